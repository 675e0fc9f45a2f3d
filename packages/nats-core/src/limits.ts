import type { JetStreamManager } from "@nats-io/jetstream";
import { LimitExceededError, type LimitName } from "./errors.js";

/** The limits of a stream's configuration that can refuse a write (JetStream's field names). */
export interface StreamLimits {
  /** Most messages the stream keeps. */
  max_msgs?: number;
  /** Most bytes the stream keeps. */
  max_bytes?: number;
  /** Most messages kept per subject (a bucket's history). */
  max_msgs_per_subject?: number;
  /** Largest message accepted, in bytes (a bucket's `max_value_size`). */
  max_msg_size?: number;
}

/** Where a refused write went: a stream, or a key-value bucket (a stream named `KV_<bucket>`). */
export interface LimitTarget {
  /** Whether the write went to a stream or a key-value bucket. */
  what: "stream" | "bucket";
  /** The stream's or bucket's name. */
  name: string;
  /** The operation, prefixed to the message, e.g. `"publish"` or `"kv.put"`. */
  operation: string;
}

/**
 * Restates a `LimitExceededError` from the server (whose text names no number) with the value of
 * the limit taken from the stream's configuration: "stream "ORDERS" is full: max_msgs of 1000
 * reached (discard policy new)". A bucket's `max_msg_size` is called `max_value_size`.
 */
export function explainLimit(
  err: LimitExceededError,
  target: LimitTarget,
  limits: StreamLimits,
): LimitExceededError {
  const limit: LimitName =
    target.what === "bucket" && err.limit === "max_msg_size" ? "max_value_size" : err.limit;
  const max = limitValue(err.limit, limits);
  const where = `${target.what} "${target.name}"`;
  const shown = max === undefined ? limit : `${limit} of ${max}${unit(err.limit)}`;
  const text =
    err.limit === "max_msg_size"
      ? `the ${target.what === "bucket" ? "value" : "message"} exceeds ${where}'s ${shown}`
      : `${where} is full: ${shown} reached${err.limit === "max_msgs_per_subject" ? " for this subject" : ""} (discard policy new)`;
  const options: { cause: unknown; max?: number; apiCode?: number } = { cause: err.cause };
  if (max !== undefined) options.max = max;
  if (err.apiCode !== undefined) options.apiCode = err.apiCode;
  return new LimitExceededError(`${target.operation}: ${text}`, limit, options);
}

function limitValue(limit: LimitName, limits: StreamLimits): number | undefined {
  const value =
    limit === "max_value_size" ? limits.max_msg_size : limits[limit as keyof StreamLimits];
  return typeof value === "number" && value >= 0 ? value : undefined;
}

function unit(limit: LimitName): string {
  return limit === "max_msgs" || limit === "max_msgs_per_subject" ? "" : " bytes";
}

/**
 * `explainLimit` with the limits read from the server: `locate` names the stream that refused
 * the write (its name as the caller shows it, and the stream to read the configuration of).
 * When a lookup fails, the server's own error is returned unchanged.
 */
export async function explainLimitFromServer(
  conn: { manager(): Promise<JetStreamManager> },
  err: LimitExceededError,
  target: Omit<LimitTarget, "name">,
  locate: (jsm: JetStreamManager) => Promise<{ name: string; stream: string }>,
): Promise<LimitExceededError> {
  try {
    const jsm = await conn.manager();
    const { name, stream } = await locate(jsm);
    const { config } = await jsm.streams.info(stream);
    return explainLimit(err, { ...target, name }, config);
  } catch {
    return err;
  }
}
