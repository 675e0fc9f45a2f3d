import type {
  Connection,
  KvOperation,
  KvOperationName,
  LimitExceededError,
} from "@helix/nats-core";
import { abortable, throwIfAborted } from "@helix/nats-core/internal";
import { explainBucketLimit, explainMaxPayload } from "./bucket-limit.js";
import { toKvError } from "./kv-errors.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Options every key-value call accepts. */
export interface KvCallOptions {
  /**
   * Cancels waiting for the call: the promise rejects with `CancelledError`. A write already sent
   * may still be applied by the server.
   */
  signal?: AbortSignal;
}

/** The operation fields a call sets before it runs. */
export interface KvOperationFields {
  bucket: string;
  key?: string;
  revision?: number;
}

/**
 * Runs one key-value call through the connection's middleware stack as a `kv.<name>` operation.
 * `terminal` gets the (mutable) operation so it can record the revision written; its errors are
 * mapped to helix-nats errors before the middlewares see them.
 */
export function runKv<T>(
  conn: Connection,
  name: KvOperationName,
  fields: KvOperationFields,
  options: KvCallOptions | undefined,
  terminal: (op: KvOperation) => Promise<T>,
): Promise<T> {
  const signal = options?.signal;
  const kind = `kv.${name}` as const;
  // built field by field: no intermediate objects per call
  const op: Mutable<KvOperation> = { kind, client: conn.client, bucket: fields.bucket };
  if (fields.key !== undefined) op.key = fields.key;
  if (fields.revision !== undefined) op.revision = fields.revision;
  if (signal !== undefined) op.signal = signal;
  return conn.run(op, async () => {
    try {
      throwIfAborted(signal, kind);
      return await abortable(terminal(op), signal, kind);
    } catch (err) {
      const error = toKvError(err, { operation: kind, bucket: fields.bucket, key: fields.key });
      if (error.code === "LIMIT_EXCEEDED") {
        throw await explainBucketLimit(conn, fields.bucket, kind, error as LimitExceededError);
      }
      throw explainMaxPayload(conn, kind, error);
    }
  });
}
