import { ValidationError } from "@helix/nats-core";
import { deferred } from "@helix/nats-testing/vitest";
import { AckPolicy } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsumerManager } from "../src/index.js";
import { publish, setup, type TestContext } from "./helpers.js";

// A consumer that acks nothing (ack_policy none) loses every message a handler fails: the server
// forgets a message once it is delivered. consume()'s default (autoAck: return → ack, throw →
// nak and redelivery) promises a retry it cannot keep there, so it is refused before any pull.

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-ack-policy");
});
afterAll(() => t.close());

describe("consume on a consumer that acks nothing", () => {
  it("consume() with the default autoAck throws a ValidationError that says what to do, before pulling", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    const c = await consumers.createOrUpdate(stream, {
      durable_name: "fire-and-forget",
      ack_policy: AckPolicy.None,
    });
    await publish(t.conn, `${stream}.a`, 3);
    t.ops.length = 0;
    let handled = 0;
    let thrown: unknown;
    try {
      c.consume(() => {
        handled++;
      });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ field: "autoAck", code: "VALIDATION" });
    expect((thrown as Error).message).toBe(
      `consume: consumer "fire-and-forget" of stream "${stream}" acks nothing (ack_policy none): a failed message is lost. Create it with ack_policy explicit, or pass autoAck: false`,
    );
    // autoAck: true said out loud is refused the same way.
    expect(() => c.consume(() => {}, { autoAck: true })).toThrow((thrown as Error).message);
    // Nothing was pulled: every message is still pending, none delivered.
    const info = await c.info();
    expect(info.num_pending).toBe(3);
    expect(info.delivered.consumer_seq).toBe(0);
    expect(handled).toBe(0);
    expect(t.ops.map((op) => op.kind)).toEqual(["consumer.get"]);
  });

  it("autoAck: false is the way to consume it: every message handed to the handler once", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, {
      durable_name: "manual",
      ack_policy: AckPolicy.None,
    });
    await publish(t.conn, `${stream}.a`, 3);
    const seen: number[] = [];
    const all = deferred();
    const ctx = c.consume(
      (msg) => {
        seen.push(msg.seq);
        if (seen.length === 3) all.resolve();
      },
      { autoAck: false },
    );
    await all.promise;
    await ctx.drain();
    expect(seen).toEqual([1, 2, 3]);
    const info = await c.info();
    expect(info.num_pending).toBe(0);
    expect(info.num_ack_pending).toBe(0);
  });

  it("a consumer created with the defaults acks explicitly, so consume() with its defaults runs", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "plain" });
    expect(c.config.ack_policy).toBe("explicit");
    await publish(t.conn, `${stream}.a`, 2);
    const seen: number[] = [];
    const all = deferred();
    const ctx = c.consume((msg) => {
      seen.push(msg.seq);
      if (seen.length === 2) all.resolve();
    });
    await all.promise;
    await ctx.drain();
    expect(seen).toEqual([1, 2]);
    expect((await c.info()).ack_floor.stream_seq).toBe(2);
  });
});
