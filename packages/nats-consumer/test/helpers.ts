import { type Connection, connect, type Operation } from "@helix/nats-core";
import { deferred, recordOperations, uniqueName } from "@helix/nats-testing/vitest";
import { AckPolicy } from "@nats-io/jetstream";
import { inject } from "vitest";
import {
  type ConsumeContext,
  type Consumer,
  type ConsumerConfig,
  createConsumerManager,
} from "../src/index.js";

/** A connection to the shared test server, the operations it ran, and fresh streams. */
export interface TestContext {
  conn: Connection;
  ops: Operation[];
  /** A fresh stream `name` with subjects `name.>`. */
  stream(): Promise<string>;
  /** A durable consumer "worker" on `stream` that acks explicitly, with `config` on top. */
  durable(stream: string, config?: ConsumerConfig): Promise<Consumer>;
  close(): Promise<void>;
}

/** Connects to the test server, records every operation, and deletes its streams on `close()`. */
export async function setup(name = "consumer-int", url = inject("natsUrl")): Promise<TestContext> {
  const conn = await connect({ addresses: [url], name });
  const ops = recordOperations<Operation>(conn);
  const streams: string[] = [];
  return {
    conn,
    ops,
    async stream() {
      const name = uniqueName("S");
      const jsm = await conn.manager();
      await jsm.streams.add({ name, subjects: [`${name}.>`] });
      streams.push(name);
      return name;
    },
    durable(stream, config = {}) {
      return createConsumerManager(conn).createOrUpdate(stream, {
        durable_name: "worker",
        ack_policy: AckPolicy.Explicit,
        ...config,
      });
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

/** A consume whose handler holds the first message (see `holdingConsume`). */
export interface HeldConsume {
  ctx: ConsumeContext;
  /** The handler's signal, once the first message is in the handler. */
  signal: AbortSignal;
  /** What reached `onError`. */
  errors: Error[];
}

/**
 * Starts a consume (defaults, plus an `onError` that records) whose handler, on the first
 * message, runs `hold(signal)` and returns what it returns; resolves once that message is in the
 * handler. `() => new Promise(() => {})` is a handler that never returns and ignores its signal.
 */
export async function holdingConsume(
  c: Consumer,
  hold: (signal: AbortSignal) => Promise<void>,
): Promise<HeldConsume> {
  const inHandler = deferred<AbortSignal>();
  const errors: Error[] = [];
  const ctx = c.consume(
    (_msg, { signal }) => {
      inHandler.resolve(signal);
      return hold(signal);
    },
    { onError: (err) => errors.push(err) },
  );
  return { ctx, signal: await inHandler.promise, errors };
}
