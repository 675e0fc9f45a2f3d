import { ValidationError } from "@helix/nats-core";

/** The redelivery delay after a handler throws: fixed milliseconds, or a function of the delivery count. */
export type NakDelay = number | ((deliveryCount: number) => number);

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

/** Throws `ValidationError` unless `delay` is a non-negative number or a function. */
export function assertNakDelay(
  delay: unknown,
  field = "nakDelayMs",
): asserts delay is NakDelay | undefined {
  if (delay === undefined || typeof delay === "function") return;
  if (typeof delay !== "number" || !Number.isFinite(delay) || delay < 0) {
    throw new ValidationError(
      field,
      `${field} must be a non-negative number of milliseconds or a function`,
      {
        value: delay,
      },
    );
  }
}
