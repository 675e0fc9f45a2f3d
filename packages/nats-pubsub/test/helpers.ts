import { type Connection, connect, type Operation } from "@helix/nats-core";
import { type Outcome, recordOutcomes, uniqueName } from "@helix/nats-testing/vitest";
import { createPubSub, type PubSub } from "../src/index.js";

/** A connection with a recording middleware and a `PubSub` on it. */
export interface PubSubContext {
  readonly conn: Connection;
  readonly ps: PubSub;
  readonly seen: Outcome<Operation>[];
  /** The recorded operations of `kind`. */
  ops<K extends Operation["kind"]>(kind: K): Extract<Operation, { kind: K }>[];
  /** A fresh subject under this context's prefix. */
  subject(name?: string): string;
  close(): Promise<void>;
}

/** Connects to `url` (reconnecting fast) and records every operation with its outcome. */
export async function setup(name: string, url: string): Promise<PubSubContext> {
  const conn = await connect({
    addresses: [url],
    name,
    reconnect: { waitMs: 100, jitterMs: 0 },
  });
  const seen = recordOutcomes<Operation>(conn);
  const prefix = uniqueName("ps");
  let n = 0;
  return {
    conn,
    ps: createPubSub(conn),
    seen,
    ops: <K extends Operation["kind"]>(kind: K) =>
      seen.map((o) => o.op).filter((op): op is Extract<Operation, { kind: K }> => op.kind === kind),
    subject: (s = "s") => `${prefix}.${s}.${++n}`,
    close: async () => {
      if (!conn.isClosed) await conn.drain();
    },
  };
}

/** Text of a payload. */
export function text(data: Uint8Array): string {
  return new TextDecoder().decode(data);
}
