import type {
  CallOptions,
  Connection,
  HelixError,
  KvOperation,
  KvOperationName,
  LimitExceededError,
} from "@helix/nats-core";
import { runOperation } from "@helix/nats-core/internal";
import { explainBucketLimit, explainMaxPayload, toKvError } from "./errors.js";

/** A `kv.*` operation while this package builds and runs it: the call may fill in the revision. */
export type KvOperationDraft = { -readonly [K in keyof KvOperation]: KvOperation[K] };

/** The operation fields a call sets before it runs. */
export interface KvOperationFields {
  bucket: string;
  key?: string;
  revision?: number;
  /** The write's `ttlMs`, as the caller gave it (checked). */
  ttlMs?: number | "never" | undefined;
}

/**
 * Runs one key-value call as a `kv.<name>` operation through core's `runOperation` (the one
 * road through the middleware stack: abort check and error mapping inside the stack). `call`
 * gets the operation so it can record the revision it read or wrote.
 */
export function runKv<T>(
  conn: Connection,
  name: KvOperationName,
  fields: KvOperationFields,
  options: CallOptions | undefined,
  call: (op: KvOperationDraft) => Promise<T>,
): Promise<T> {
  const signal = options?.signal;
  // built field by field: no intermediate objects per call
  const op: KvOperationDraft = { kind: `kv.${name}`, client: conn.client, bucket: fields.bucket };
  if (fields.key !== undefined) op.key = fields.key;
  if (fields.revision !== undefined) op.revision = fields.revision;
  if (fields.ttlMs !== undefined) op.ttlMs = fields.ttlMs;
  if (signal !== undefined) op.signal = signal;
  return runOperation(conn, op, call, {
    signal,
    mapError: (err, failed) => mapKvError(conn, err, failed),
  });
}

/**
 * The error a failed key-value call rejects with: `toKvError` (a missing stream is a missing
 * bucket, a stale revision `WrongRevisionError` or `KeyExistsError`), then a refused write
 * restated with the bucket's limit or the server's `max_payload`.
 */
export function mapKvError(
  conn: Connection,
  err: unknown,
  op: KvOperation,
): HelixError | Promise<HelixError> {
  const error = toKvError(err, { operation: op.kind, bucket: op.bucket, key: op.key });
  if (error.code === "LIMIT_EXCEEDED") {
    return explainBucketLimit(conn, op.bucket, op.kind, error as LimitExceededError);
  }
  return explainMaxPayload(conn, op.kind, error);
}
