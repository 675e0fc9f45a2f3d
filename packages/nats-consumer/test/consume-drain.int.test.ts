import { setTimeout as sleep } from "node:timers/promises";
import { deferred } from "@helix/nats-testing/vitest";
import { AckPolicy } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createConsumerManager, type Msg } from "../src/index.js";
import { publish, setup, type TestContext } from "./helpers.js";

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-drain");
});
afterAll(() => t.close());

describe("draining consumes", () => {
  it("drain() during a run of 1,000 messages: every handed-out message is acked, none lost or repeated", async () => {
    const stream = await t.stream();
    // A short ack wait: a handed-out message whose ack did not reach the server would be
    // redelivered (and seen twice) during the second run.
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, {
      durable_name: "drainer",
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(2_000),
    });
    await publish(t.conn, `${stream}.a`, 1_000);
    const processed = new Map<number, number>();
    const record = (msg: Msg): void => {
      processed.set(msg.seq, (processed.get(msg.seq) ?? 0) + 1);
    };
    const halfway = deferred();
    const first = c.consume(
      async (msg) => {
        record(msg);
        if (processed.size === 300) halfway.resolve();
        await sleep(0);
      },
      { concurrency: 4, maxMessages: 50 },
    );
    await halfway.promise;
    await first.drain();
    await expect(first.closed).resolves.toBeUndefined();
    const firstRun = processed.size;
    expect(firstRun).toBeGreaterThanOrEqual(300);
    expect(firstRun).toBeLessThan(1_000);
    // Every message handed to a handler was acked before drain resolved.
    const afterDrain = await c.info();
    expect(afterDrain.ack_floor.stream_seq).toBeGreaterThanOrEqual(firstRun);

    const rest = deferred();
    const second = c.consume((msg) => {
      record(msg);
      if (processed.size === 1_000) rest.resolve();
    });
    await rest.promise;
    await expect
      .poll(
        async () => {
          const i = await c.info();
          return i.num_ack_pending + i.num_pending;
        },
        { timeout: 15_000 },
      )
      .toBe(0);
    await second.drain();
    expect([...processed.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 1_000 }, (_, i) => i + 1),
    );
    expect([...processed.values()].filter((n) => n > 1)).toEqual([]);
    const info = await c.info();
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(1_000);
  });

  it("conn.drain() drains a running consume first", async () => {
    const url = inject("natsUrl");
    const own = await setup("consumer-int-conn-drain", url);
    const stream = await own.stream();
    const c = await createConsumerManager(own.conn).createOrUpdate(stream, { durable_name: "d" });
    await publish(own.conn, `${stream}.a`, 3);
    const inHandler = deferred();
    let finished = false;
    const ctx = c.consume(async () => {
      inHandler.resolve();
      await sleep(200);
      finished = true;
    });
    await inHandler.promise;
    const jsm = await own.conn.manager();
    await own.conn.drain();
    expect(finished).toBe(true);
    await expect(ctx.closed).resolves.toBeUndefined();
    // The handled message was acked before the connection closed.
    const check = await setup("consumer-int-conn-drain-check", url);
    const info = await (await check.conn.manager()).consumers.info(stream, "d");
    expect(info.ack_floor.stream_seq).toBeGreaterThanOrEqual(1);
    await jsm.streams.delete(stream).catch(() => {});
    await (await check.conn.manager()).streams.delete(stream);
    await check.close();
  });
});
