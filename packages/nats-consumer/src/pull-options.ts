import type { ConsumeOptions as ClientConsumeOptions } from "@nats-io/jetstream";
import type { PullOptions } from "./types.js";

/** Missed heartbeats (in a row, while connected) after which a consume or iterator ends if the server does not answer a ping. */
export const DEFAULT_MAX_MISSED_HEARTBEATS = 6;

/** Client consume options from helix pull tuning (only what was set, the client fills defaults). */
export function toClientConsumeOptions(options: PullOptions): ClientConsumeOptions {
  const out: Record<string, number> = {};
  if (options.maxMessages !== undefined) out.max_messages = options.maxMessages;
  if (options.maxBytes !== undefined) out.max_bytes = options.maxBytes;
  out.expires = options.expiresMs ?? 30_000;
  if (options.idleHeartbeatMs !== undefined) out.idle_heartbeat = options.idleHeartbeatMs;
  return out as ClientConsumeOptions;
}
