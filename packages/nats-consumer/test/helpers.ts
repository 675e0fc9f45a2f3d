import { randomUUID } from "node:crypto";
import {
  type Connection,
  connect,
  type Middleware,
  type Operation,
  type OperationOf,
} from "@helix/nats-core";
import { inject } from "vitest";

/** A connection to the shared test server plus an operation recorder. */
export interface TestContext {
  conn: Connection;
  ops: Operation[];
  /** A fresh stream `name` with subjects `name.>`. */
  stream(): Promise<string>;
  close(): Promise<void>;
}

export async function setup(name = "consumer-int", url = inject("natsUrl")): Promise<TestContext> {
  const conn = await connect({ addresses: [url], name });
  const ops: Operation[] = [];
  const record: Middleware = (op, next) => {
    ops.push(op);
    return next();
  };
  conn.middleware.add(record, { name: "record" });
  const streams: string[] = [];
  return {
    conn,
    ops,
    async stream() {
      const name = `S${randomUUID().replaceAll("-", "").slice(0, 12)}`;
      const jsm = await conn.manager();
      await jsm.streams.add({ name, subjects: [`${name}.>`] });
      streams.push(name);
      return name;
    },
    async close() {
      if (!conn.isClosed) {
        const jsm = await conn.manager();
        for (const s of streams) await jsm.streams.delete(s).catch(() => {});
        await conn.close();
      }
    },
  };
}

/** Publishes `count` messages `{ n }` to `subject` through the raw client; returns their sequences. */
export async function publish(conn: Connection, subject: string, count: number): Promise<number[]> {
  const seqs: number[] = [];
  const acks = [];
  for (let n = 1; n <= count; n++)
    acks.push(conn.jetstream.publish(subject, JSON.stringify({ n })));
  for (const ack of await Promise.all(acks)) seqs.push(ack.seq);
  return seqs;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A promise with its resolve function, for event-driven waits. */
export function signal<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Operations of one kind. */
export function ofKind<K extends Operation["kind"]>(ops: Operation[], kind: K): OperationOf<K>[] {
  return ops.filter((op) => op.kind === kind) as OperationOf<K>[];
}
