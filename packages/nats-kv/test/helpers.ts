import { type Connection, connect, type KvOperation, type Middleware } from "@helix/nats-core";

/**
 * What the kv suites' recording middleware saw: each operation as it was once `next()` settled
 * (the revision a call read or wrote is in), with the name of the error it ended with. Specific
 * to these suites; `recordOperations` of `@helix/nats-testing/vitest` keeps the live operation
 * objects and no outcome.
 */
export interface Recorded {
  kind: string;
  bucket: string;
  key: string | undefined;
  revision: number | undefined;
  error: string | undefined;
}

/** Connects and installs a middleware that records every kv operation's `Recorded` summary. */
export async function connectRecording(
  url: string,
  jetstream: { timeoutMs?: number } = {},
): Promise<{ conn: Connection; ops: Recorded[] }> {
  const conn = await connect({ addresses: [url], name: "kv-int", jetstream });
  const ops: Recorded[] = [];
  const record: Middleware = async (op, next) => {
    const entry = (error: string | undefined): Recorded => {
      const kv = op as KvOperation;
      return { kind: op.kind, bucket: kv.bucket, key: kv.key, revision: kv.revision, error };
    };
    try {
      const result = await next();
      ops.push(entry(undefined));
      return result;
    } catch (err) {
      ops.push(entry((err as Error).name));
      throw err;
    }
  };
  conn.middleware.add(record, { name: "record" });
  return { conn, ops };
}
