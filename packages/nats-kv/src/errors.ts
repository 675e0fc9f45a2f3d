import {
  type Connection,
  type HelixError,
  JetStreamCodes,
  KeyExistsError,
  LimitExceededError,
  toHelixError,
  ValidationError,
  WrongRevisionError,
} from "@helix/nats-core";
import { explainLimitFromServer } from "@helix/nats-core/internal";
import { streamNameOf } from "./status.js";

/** What a failed key-value call was doing, for the error it becomes. */
export interface KvErrorContext {
  /** The operation kind, e.g. `"kv.update"`. */
  operation: string;
  bucket: string;
  key?: string | undefined;
}

/**
 * Maps a client error of a key-value call to a helix-nats error through core's `toHelixError`
 * (which calls a missing stream a missing bucket), then refines a wrong last sequence: it is
 * `KeyExistsError` for `kv.create` and `WrongRevisionError` for every other write.
 */
export function toKvError(err: unknown, context: KvErrorContext): HelixError {
  const mapped = toHelixError(err, {
    operation: context.operation,
    what: "bucket",
    resource: context.bucket,
  });
  if (mapped.code === "WRONG_REVISION") {
    if (context.operation === "kv.create" && context.key !== undefined) {
      return new KeyExistsError(context.key, { cause: err });
    }
    const code = (mapped as { apiCode?: unknown }).apiCode;
    const apiCode = typeof code === "number" ? code : JetStreamCodes.StreamWrongLastSequence;
    return new WrongRevisionError(
      `${context.operation}: the key "${context.key ?? ""}" in bucket "${context.bucket}" is not at the expected revision (${causeMessage(err)})`,
      { cause: err, apiCode },
    );
  }
  return mapped;
}

/**
 * Whether `bucket` is missing: asked when a call got no real answer (no responders, or a timeout
 * on a direct get), which is also what a call on a deleted bucket gets. `false` when the bucket
 * exists or the question itself failed (then the failure is treated as transient).
 */
export async function bucketIsMissing(conn: Connection, bucket: string): Promise<boolean> {
  try {
    await (await conn.manager()).streams.info(streamNameOf(bucket));
    return false;
  } catch (err) {
    return toKvError(err, { operation: "kv.status", bucket }).code === "NOT_FOUND";
  }
}

/**
 * Restates a write refused by a bucket limit (`max_value_size`, or `max_bytes` of a full bucket)
 * with the limit's value, read from the bucket's stream (the server's text names no number).
 * When that lookup fails, the server's own error is returned unchanged.
 */
export async function explainBucketLimit(
  conn: Connection,
  bucket: string,
  operation: string,
  err: LimitExceededError,
): Promise<LimitExceededError> {
  const explained = await explainLimitFromServer(
    conn,
    err,
    { what: "bucket", operation },
    async () => ({ name: bucket, stream: streamNameOf(bucket) }),
  );
  if (explained.limit !== "max_value_size" || explained.max === undefined) return explained;
  // The server counts the headers in: say so, or a value of exactly the limit looks accepted.
  return new LimitExceededError(`${explained.message}${HEADERS_COUNT}`, explained.limit, {
    cause: explained.cause,
    max: explained.max,
    ...(explained.apiCode !== undefined ? { apiCode: explained.apiCode } : {}),
  });
}

/**
 * The bytes of headers a helix-nats write adds to its value, which a bucket's `max_value_size`
 * (the stream's `max_msg_size`) counts: `NATS/1.0`, `Nats-Msg-Id: <22 characters>` and the
 * line ends of a put; a revision check adds `Nats-Expected-Last-Subject-Sequence: <revision>`.
 */
export const PUT_HEADER_BYTES = 49;

const HEADERS_COUNT = `, headers included (a put's take ${PUT_HEADER_BYTES} bytes, a write with a revision's about 90)`;

/**
 * The client refuses a value larger than the server's `max_payload` before writing it, with a
 * message that names no number: restate it with the server's limit. Other errors pass through.
 */
export function explainMaxPayload(
  conn: Connection,
  operation: string,
  err: HelixError,
): HelixError {
  const max = conn.nats.info?.max_payload;
  const cause = err.cause as { name?: unknown; message?: unknown } | undefined;
  const fromClient =
    cause?.name === "InvalidArgumentError" && String(cause.message).includes("max_payload");
  if (err.code !== "VALIDATION" || !fromClient || max === undefined) return err;
  return new ValidationError(
    "value",
    `${operation}: the value (with its headers) exceeds the server's max_payload of ${max} bytes`,
    { cause: err.cause },
  );
}

function causeMessage(err: unknown): string {
  return typeof err === "object" && err !== null && "message" in err
    ? String((err as { message: unknown }).message)
    : String(err);
}
