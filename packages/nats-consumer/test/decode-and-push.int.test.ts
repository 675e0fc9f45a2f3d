import { DecodeError, ValidationError } from "@helix/nats-core";
import { deferred, ofKind } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsumerManager } from "../src/index.js";
import { setup, type TestContext } from "./helpers.js";

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-decode");
});
afterAll(() => t.close());

describe("push consumer fields are not in the config type, and refused at run time", () => {
  it("each push-only field is a compile error, and a ValidationError before any I/O for JavaScript callers", async () => {
    const consumers = createConsumerManager(t.conn);
    t.ops.length = 0;
    const refused = await Promise.all([
      // @ts-expect-error push consumers are not supported
      consumers.createOrUpdate("ANY", { deliver_subject: "push.here" }).catch((e: unknown) => e),
      // @ts-expect-error a push consumer's queue group
      consumers.createOrUpdate("ANY", { deliver_group: "workers" }).catch((e: unknown) => e),
      // @ts-expect-error push flow control
      consumers.createOrUpdate("ANY", { flow_control: true }).catch((e: unknown) => e),
      // @ts-expect-error push heartbeats (a pull's heartbeat is consume's idleHeartbeatMs)
      consumers.createOrUpdate("ANY", { idle_heartbeat: 5_000_000_000 }).catch((e: unknown) => e),
      // @ts-expect-error push delivery rate
      consumers.createOrUpdate("ANY", { rate_limit_bps: 1_024 }).catch((e: unknown) => e),
    ]);
    for (const err of refused) expect(err).toBeInstanceOf(ValidationError);
    expect(refused.map((e) => [(e as ValidationError).field, (e as Error).message])).toEqual([
      [
        "deliver_subject",
        "deliver_subject is a push consumer setting, and helix consumers are pull consumers: drop deliver_subject",
      ],
      [
        "deliver_group",
        "deliver_group is a push consumer setting, and helix consumers are pull consumers: drop deliver_group (workers that consume the same durable consumer share its messages)",
      ],
      [
        "flow_control",
        "flow_control is a push consumer setting, and helix consumers are pull consumers: drop flow_control",
      ],
      [
        "idle_heartbeat",
        "idle_heartbeat is a push consumer setting, and helix consumers are pull consumers: drop idle_heartbeat (a pull's heartbeat is the idleHeartbeatMs option of consume() and messages())",
      ],
      [
        "rate_limit_bps",
        "rate_limit_bps is a push consumer setting, and helix consumers are pull consumers: drop rate_limit_bps (limit a consume with concurrency or maxMessages)",
      ],
    ]);
    expect(t.ops).toEqual([]);
  });
});

describe("msg.json() of a body that is not JSON", () => {
  it("throws a DecodeError with the subject, stream and sequence, the SyntaxError as its cause", async () => {
    const stream = await t.stream();
    await t.conn.jetstream.publish(`${stream}.ok`, JSON.stringify({ id: 1 }));
    await t.conn.jetstream.publish(`${stream}.bad`, "id=2");
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "r" });
    const [good, bad] = await c.fetch(2, { expiresMs: 1_000 });
    expect(good?.json()).toEqual({ id: 1 });
    let err: unknown;
    try {
      bad?.json();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect(err).toMatchObject({
      name: "DecodeError",
      code: "DECODE",
      subject: `${stream}.bad`,
      stream,
      seq: 2,
      retryable: false,
    });
    expect((err as Error).message).toBe(
      `msg.json(): message 2 of stream "${stream}" (subject "${stream}.bad") is not JSON (4 bytes)`,
    );
    expect((err as Error).cause).toBeInstanceOf(SyntaxError);
    await good?.ack();
    await bad?.ack();
  });

  it("in a consume handler (defaults), the DecodeError reaches onError and the message is term'ed (a permanent error: never retried)", async () => {
    const stream = await t.stream();
    await t.conn.jetstream.publish(`${stream}.bad`, "");
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "h" });
    const failed = deferred<Error>();
    t.ops.length = 0;
    const ctx = c.consume(
      (msg) => {
        msg.json();
      },
      { onError: (err) => failed.resolve(err) },
    );
    const err = await failed.promise;
    await ctx.drain();
    expect(err).toBeInstanceOf(DecodeError);
    expect(err.message).toBe(
      `msg.json(): message 1 of stream "${stream}" (subject "${stream}.bad") is not JSON (0 bytes)`,
    );
    // A DecodeError is permanent (issue 19): not retried; without dead letters, term'ed with the reason.
    expect(ofKind(t.ops, "settle").map((op) => [op.action, op.reason])).toEqual([
      ["term", "permanent: DECODE"],
    ]);
  });
});
