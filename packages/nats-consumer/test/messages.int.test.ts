import { NotFoundError, ValidationError } from "@helix/nats-core";
import { ofKind } from "@helix/nats-testing/vitest";
import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Consumer, createConsumerManager } from "../src/index.js";
import { publish, setup, type TestContext } from "./helpers.js";

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-messages");
});
afterAll(() => t.close());

async function durable(stream: string, name = "iter"): Promise<Consumer> {
  return createConsumerManager(t.conn).createOrUpdate(stream, {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
  });
}

describe("messages", () => {
  it("next() returns messages as receive operations, and null after stop()", async () => {
    const stream = await t.stream();
    const c = await durable(stream);
    await publish(t.conn, `${stream}.a`, 3);
    t.ops.length = 0;
    const it = c.messages();
    const first = await it.next();
    const second = await it.next();
    expect([first?.seq, second?.seq]).toEqual([1, 2]);
    await first?.ack();
    await second?.ack();
    const receives = ofKind(t.ops, "receive");
    expect(
      receives.map((op) => [op.mode, op.batch, op.messages?.[0]?.info.streamSequence]),
    ).toEqual([
      ["next", 1, 1],
      ["next", 1, 2],
    ]);
    it.stop();
    // The Go original crashes here; helix returns null, again and again.
    await expect(it.next()).resolves.toBeNull();
    await expect(it.next()).resolves.toBeNull();
    await expect(it.closed).resolves.toBeUndefined();
  });

  it("is async iterable; breaking out stops it", async () => {
    const stream = await t.stream();
    const c = await durable(stream);
    await publish(t.conn, `${stream}.a`, 5);
    const it = c.messages({ maxMessages: 10 });
    const seen: number[] = [];
    for await (const msg of it) {
      seen.push(msg.seq);
      await msg.ack();
      if (seen.length === 4) break;
    }
    expect(seen).toEqual([1, 2, 3, 4]);
    await expect(it.next()).resolves.toBeNull();
  });

  it("a next() pending when stop() comes resolves to null", async () => {
    const stream = await t.stream();
    const c = await durable(stream);
    const it = c.messages({ expiresMs: 1_000 });
    const pending = it.next();
    setTimeout(() => it.stop(), 100);
    await expect(pending).resolves.toBeNull();
  });

  it("conn.drain() stops a running iterator first: a pending next() returns null", async () => {
    const own = await setup("consumer-int-messages-drain");
    const stream = await own.stream();
    const c = await createConsumerManager(own.conn).createOrUpdate(stream, {
      durable_name: "d",
      ack_policy: AckPolicy.Explicit,
    });
    const it = c.messages();
    const pending = it.next();
    const check = await setup("consumer-int-messages-drain-check");
    try {
      await own.conn.drain();
      await expect(pending).resolves.toBeNull();
      await expect(it.closed).resolves.toBeUndefined();
      await expect(it.next()).resolves.toBeNull();
    } finally {
      await (await check.conn.manager()).streams.delete(stream);
      await check.close();
    }
  });

  it("works on ordered consumers", async () => {
    const stream = await t.stream();
    await publish(t.conn, `${stream}.a`, 3);
    const o = await createConsumerManager(t.conn).ordered(stream, {
      deliver_policy: DeliverPolicy.All,
    });
    const it = o.messages();
    const got = [await it.next(), await it.next(), await it.next()].map((m) => m?.seq);
    expect(got).toEqual([1, 2, 3]);
    it.stop();
  });

  it("next() rejects with NotFoundError when the consumer is deleted", async () => {
    const stream = await t.stream();
    const c = await durable(stream, "gone");
    await publish(t.conn, `${stream}.a`, 1);
    const it = c.messages({ expiresMs: 1_000, idleHeartbeatMs: 500 });
    await (await it.next())?.ack();
    const pending = it.next().catch((e: unknown) => e);
    await createConsumerManager(t.conn).delete(stream, "gone");
    const err = await pending;
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ what: "consumer", resource: "gone" });
    await expect(it.closed).rejects.toBe(err);
  });

  it("validates its options", async () => {
    const stream = await t.stream();
    const c = await durable(stream);
    expect(() => c.messages({ maxMessages: 0 })).toThrow(ValidationError);
    expect(() => c.messages({ maxMessages: 5, maxBytes: 100 })).toThrow(ValidationError);
    expect(() => c.messages({ expiresMs: 10 })).toThrow(ValidationError);
    expect(() => c.consume(undefined as never)).toThrow(ValidationError);
    expect(() => c.consume(() => {}, { concurrency: 0 })).toThrow(ValidationError);
    expect(() => c.consume(() => {}, { nakDelayMs: -1 })).toThrow(ValidationError);
  });
});
