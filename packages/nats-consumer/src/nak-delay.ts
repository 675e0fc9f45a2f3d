import type { NakDelay } from "./types.js";

/** Default nak delay: exponential from 1 s, doubling per delivery, capped at 30 s. */
export function defaultNakDelay(deliveryCount: number): number {
  const exponent = Math.max(0, Math.min(deliveryCount - 1, 5));
  return Math.min(1_000 * 2 ** exponent, 30_000);
}

/** The delay in milliseconds for a message delivered `deliveryCount` times. Never negative. */
export function nakDelayFor(delay: NakDelay | undefined, deliveryCount: number): number {
  const ms =
    typeof delay === "function" ? delay(deliveryCount) : (delay ?? defaultNakDelay(deliveryCount));
  return Number.isFinite(ms) && ms > 0 ? Math.floor(ms) : 0;
}
