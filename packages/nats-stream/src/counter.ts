import { DecodeError, ValidationError } from "@helix/nats-core";
import { requireServerVersion } from "@helix/nats-core/internal";
import type { StoredMessage } from "./types.js";

/*
 * Counters (nats-server 2.12+): on a stream created with `allow_msg_counter`, a message with an
 * empty body and a `Nats-Incr` header adds that integer to the subject's total; the server
 * stores `{"val":"<total>"}` as the subject's last message and answers with the total in the
 * PubAck's `val`. The amount is checked before any I/O, and the feature refused on an older
 * server by the version it reports.
 */

/** The first nats-server with counters (`Nats-Incr`, `allow_msg_counter`). */
export const COUNTER_MIN_VERSION = "2.12.0";

/** The feature's name in `UnsupportedFeatureError`. */
export const COUNTER_FEATURE = "message counters";

/** The header the server reads an increment from. */
export const INCR_HEADER = "Nats-Incr";

/**
 * The `Nats-Incr` value of `by`: a safe integer `number` or a `bigint`, as a decimal (`"5"`,
 * `"-2"`). Zero is allowed (it stores a message and answers with the unchanged total). Throws
 * `ValidationError`.
 */
export function incrementValue(by: unknown): string {
  if (typeof by === "bigint") return by.toString();
  if (typeof by === "number" && Number.isSafeInteger(by)) return String(by);
  throw new ValidationError(
    "increment",
    `increment must be a safe integer (a number) or a bigint, got ${typeof by === "string" ? JSON.stringify(by) : String(by)}`,
    { value: by },
  );
}

/** Refuses counters on a server older than 2.12 (`UnsupportedFeatureError`), no I/O. */
export function requireCounters(serverVersion: string | undefined): void {
  requireServerVersion(serverVersion, COUNTER_FEATURE, COUNTER_MIN_VERSION);
}

/**
 * A counter's total from its decimal form (the PubAck's `val`, or the `val` of a stored counter
 * message). Throws `DecodeError` when it is not a decimal integer.
 */
export function parseCounterTotal(
  value: unknown,
  source: { subject: string; stream?: string; seq?: number },
): bigint {
  if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
  throw new DecodeError(
    `${source.subject}: not a counter value (expected a decimal integer in "val", got ${JSON.stringify(value) ?? String(value)})`,
    source,
  );
}

/** The total a stored counter message holds (`{"val":"13"}`); `DecodeError` for any other body. */
export function decodeCounterMessage(msg: StoredMessage, stream: string): bigint {
  const source = { subject: msg.subject, stream, seq: msg.seq };
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(msg.data));
  } catch {
    body = undefined;
  }
  const value =
    typeof body === "object" && body !== null ? (body as { val?: unknown }).val : undefined;
  return parseCounterTotal(value, source);
}
