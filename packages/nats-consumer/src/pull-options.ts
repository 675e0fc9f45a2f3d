import type { ConsumeOptions as ClientConsumeOptions } from "@nats-io/jetstream";
import { toClientPriority } from "./priority.js";
import type { PullOptions } from "./types.js";

/** How long a pull request is held by the server unless `expiresMs` says otherwise. */
export const DEFAULT_EXPIRES_MS = 30_000;

/** Missed heartbeats (in a row, while connected) after which a consume or iterator ends if the server does not answer a ping. */
export const DEFAULT_MAX_MISSED_HEARTBEATS = 6;

/** Client consume options from helix pull tuning (only what was set, the client fills defaults). */
export function toClientConsumeOptions(options: PullOptions): ClientConsumeOptions {
  const out: Record<string, number | string> = toClientPriority(options);
  if (options.maxMessages !== undefined) out.max_messages = options.maxMessages;
  if (options.maxBytes !== undefined) out.max_bytes = options.maxBytes;
  out.expires = options.expiresMs ?? DEFAULT_EXPIRES_MS;
  if (options.idleHeartbeatMs !== undefined) out.idle_heartbeat = options.idleHeartbeatMs;
  return out as ClientConsumeOptions;
}
