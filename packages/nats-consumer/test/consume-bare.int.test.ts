import { type Connection, connect } from "@helix/nats-core";
import { deferred, uniqueName } from "@helix/nats-testing/vitest";
import { AckPolicy } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Consumer, createConsumerManager, type Msg } from "../src/index.js";
import { publish } from "./helpers.js";

// consume without any middleware: the handler and its ack run without a microtask in between
// when the handler is synchronous, so these cover that path (the other suites record every
// operation through a middleware).

let conn: Connection;
const streams: string[] = [];
beforeAll(async () => {
  conn = await connect({ addresses: [inject("natsUrl")], name: "consumer-int-bare" });
});
afterAll(async () => {
  const jsm = await conn.manager();
  for (const s of streams) await jsm.streams.delete(s).catch(() => {});
  await conn.close();
});

async function consumerOn(count: number): Promise<{ stream: string; consumer: Consumer }> {
  const stream = uniqueName("B");
  const jsm = await conn.manager();
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
  streams.push(stream);
  await publish(conn, `${stream}.a`, count);
  const consumer = await createConsumerManager(conn).createOrUpdate(stream, {
    durable_name: "bare",
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(30_000),
  });
  return { stream, consumer };
}

describe("consume without middleware", () => {
  it("a synchronous handler: every message handled once, in order, one at a time, and acked", async () => {
    expect(conn.middleware.size).toBe(0);
    const { consumer } = await consumerOn(200);
    const seen: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const done = deferred();
    const ctx = consumer.consume((msg) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      seen.push(msg.seq);
      running--;
      if (seen.length === 200) done.resolve();
    });
    await done.promise;
    await ctx.drain();
    await expect(ctx.closed).resolves.toBeUndefined();
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(maxRunning).toBe(1);
    const info = await consumer.info();
    expect(info.num_ack_pending).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(200);
  });

  it("an async handler is awaited before its ack and before the next message (concurrency 1)", async () => {
    const { consumer } = await consumerOn(20);
    const events: string[] = [];
    const done = deferred();
    const ctx = consumer.consume(async (msg) => {
      events.push(`start ${msg.seq}`);
      await new Promise((r) => setTimeout(r, 1));
      events.push(`end ${msg.seq} settled=${msg.settled}`);
      if (msg.seq === 20) done.resolve();
    });
    await done.promise;
    await ctx.drain();
    expect(events).toEqual(
      Array.from({ length: 20 }, (_, i) => [`start ${i + 1}`, `end ${i + 1} settled=false`]).flat(),
    );
    expect((await consumer.info()).num_ack_pending).toBe(0);
  });

  it("a handler that throws (sync) or rejects (async) is reported, nak'ed and redelivered, then acked", async () => {
    const { consumer } = await consumerOn(2);
    const errors: Array<[string, number | undefined]> = [];
    const deliveries: Array<[number, number]> = [];
    const done = deferred();
    let acked = 0;
    const ctx = consumer.consume(
      (msg: Msg) => {
        deliveries.push([msg.seq, msg.info.deliveryCount]);
        if (msg.info.deliveryCount === 1) {
          if (msg.seq === 1) throw new Error("sync failure");
          return Promise.reject(new Error("async failure"));
        }
        if (++acked === 2) done.resolve();
      },
      { nakDelayMs: 10, onError: (err, c) => errors.push([err.message, c.msg?.seq]) },
    );
    await done.promise;
    await ctx.drain();
    await expect(ctx.closed).resolves.toBeUndefined();
    expect(errors).toEqual([
      ["sync failure", 1],
      ["async failure", 2],
    ]);
    expect(deliveries.filter(([, count]) => count === 1).map(([seq]) => seq)).toEqual([1, 2]);
    expect(deliveries.filter(([, count]) => count === 2).map(([seq]) => seq)).toEqual([1, 2]);
    expect((await consumer.info()).num_ack_pending).toBe(0);
  });

  it("a handler that settles the message itself is not acked again; autoAck false settles nothing", async () => {
    const { consumer } = await consumerOn(2);
    const done = deferred();
    const ctx = consumer.consume(async (msg) => {
      if (msg.seq === 1) await msg.term();
      else {
        await msg.ack();
        done.resolve();
      }
      expect(msg.settled).toBe(true);
    });
    await done.promise;
    await ctx.drain();
    expect((await consumer.info()).num_ack_pending).toBe(0);

    const { consumer: manual } = await consumerOn(3);
    const handled = deferred();
    let n = 0;
    const ctx2 = manual.consume(
      () => {
        if (++n === 3) handled.resolve();
      },
      { autoAck: false },
    );
    await handled.promise;
    await ctx2.drain();
    expect((await manual.info()).num_ack_pending).toBe(3);
  });
});
