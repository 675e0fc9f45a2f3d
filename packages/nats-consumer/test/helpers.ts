import { type Connection, connect, type Operation } from "@helix/nats-core";
import { deferred, recordOperations, uniqueName, until } from "@helix/nats-testing/vitest";
import { AckPolicy } from "@nats-io/jetstream";
import { expect, inject } from "vitest";
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

/** What happened to every message a test stored: each counted once, by the test itself. */
export interface MessageCount {
  /** The consumer, read once its consume has ended. Its stream must hold `stored` messages. */
  consumer: Consumer;
  /** How many messages the test published to the consumer's stream. */
  stored: number;
  /** Distinct messages whose handler succeeded (acked). */
  processed: number;
  /** Messages stored as dead letters (then term'ed). Default 0. */
  deadLettered?: number;
  /** The dead-letter stream: it must hold exactly `deadLettered` messages. */
  deadLetterStream?: string;
  /** Messages term'ed on purpose without dead letters (a permanent error). Default 0. */
  terminated?: number;
  /** Messages whose last delivery (max_deliver) failed without dead letters: still in the stream. Default 0. */
  exhausted?: number;
}

/**
 * No message lost: the stream holds the `stored` messages, each one accounted for as processed,
 * dead-lettered, term'ed or exhausted (exactly, no more, no less), and the consumer has nothing
 * left to deliver (`num_pending` 0) nor to settle (`num_ack_pending` 0). With a dead-letter
 * stream, it holds exactly the dead-lettered messages. The server applies an ack a little after
 * it arrives: the consumer is read again for up to 2 s until it settles, then compared exactly.
 */
export async function expectNoLoss(conn: Connection, count: MessageCount): Promise<void> {
  const { consumer, stored, processed, deadLettered = 0, terminated = 0, exhausted = 0 } = count;
  const jsm = await conn.manager();
  let info = await consumer.info();
  await until(async () => {
    info = await consumer.info();
    return info.num_pending === 0 && info.num_ack_pending === 0;
  }, 2_000).catch(() => {}); // the exact comparison below says what is left
  const streamMessages = (await jsm.streams.info(consumer.stream)).state.messages;
  const dlqMessages =
    count.deadLetterStream === undefined
      ? undefined
      : (await jsm.streams.info(count.deadLetterStream)).state.messages;
  expect({
    stored: streamMessages,
    accountedFor: processed + deadLettered + terminated + exhausted,
    pending: info.num_pending,
    ackPending: info.num_ack_pending,
    deadLetters: dlqMessages,
  }).toEqual({
    stored,
    accountedFor: stored,
    pending: 0,
    ackPending: 0,
    deadLetters: count.deadLetterStream === undefined ? undefined : deadLettered,
  });
}
