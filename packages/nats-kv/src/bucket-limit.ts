import {
  type Connection,
  type HelixError,
  type LimitExceededError,
  ValidationError,
} from "@helix/nats-core";
import { explainLimit } from "@helix/nats-core/internal";

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
  try {
    const jsm = await conn.manager();
    const { config } = await jsm.streams.info(`KV_${bucket}`);
    return explainLimit(err, { what: "bucket", name: bucket, operation }, config);
  } catch {
    return err;
  }
}

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
