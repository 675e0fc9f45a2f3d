import { CancelledError, NotFoundError } from "@helix/nats-core";
import { deferred, ofKind, until } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DeadLetterHeaders, defaultDeadLetterStream } from "../src/index.js";
import { expectNoLoss, publish, setup, type TestContext } from "./helpers.js";

/*
 * A message on its last delivery (`max_deliver`) that is not stored as a dead letter would leave
 * its consumer for good: a nak does not bring it back. These tests count every message: stored =
 * processed + dead-lettered, with nothing left pending.
 */

const version = inject("natsServerVersion");

let t: TestContext;
const extraStreams: string[] = [];
beforeAll(async () => {
  t = await setup("consumer-int-dead-letter-last");
});
afterAll(async () => {
  const jsm = await t.conn.manager();
  for (const s of extraStreams) await jsm.streams.delete(s).catch(() => {});
  await t.close();
});

async function streamExists(name: string): Promise<boolean> {
  const jsm = await t.conn.manager();
  return jsm.streams.info(name).then(
    () => true,
    () => false,
  );
}

describe(`a dead letter on the last delivery (nats-server ${version})`, () => {
  it("when storing it fails, the message is held (working()) and stored again until it is stored, then term'ed: none is lost", async () => {
    const stream = await t.stream();
    const dlq = `${stream}_DLQ`;
    extraStreams.push(dlq);
    // ack_wait 2 s: the hold below lasts longer than that (three more tries wait 3.5 s at least).
    const c = await t.durable(stream, { max_deliver: 2, ack_wait: 2_000_000_000 });
    await publish(t.conn, `${stream}.a`, 3);
    t.ops.length = 0;
    const errors: Error[] = [];
    const deliveries: [number, number][] = [];
    const ctx = c.consume(
      (msg) => {
        deliveries.push([msg.seq, msg.info.deliveryCount]);
        throw new Error("payment declined");
      },
      {
        concurrency: 3,
        retry: { delaysMs: [50] },
        keepAlive: false,
        deadLetter: { stream: dlq, subject: `dlq.${stream}` },
        onError: (err) => errors.push(err),
      },
    );
    // Each message's last delivery failed to store (no such stream) and is tried again while held:
    // four tries each take longer than the ack wait (waits of 0.5–1, 1–2 and 2–4 s between them).
    await until(() => ofKind(t.ops, "deadletter").length >= 12, 20_000, "stores tried again");
    const held = await c.info();
    expect([held.num_ack_pending, held.num_pending, held.num_redelivered]).toEqual([3, 0, 3]);
    expect(ofKind(t.ops, "settle").filter((s) => s.action === "nak")).toHaveLength(3);
    expect(ofKind(t.ops, "settle").filter((s) => s.action === "working").length).toBeGreaterThan(0);

    const jsm = await t.conn.manager();
    await jsm.streams.add({ name: dlq, subjects: [`dlq.${stream}`] });
    await until(async () => (await c.info()).num_ack_pending === 0, 20_000, "the terms");
    await ctx.drain();

    // Each message: delivered twice (no third delivery), nak'ed once, term'ed once.
    expect(deliveries.sort((a, b) => a[0] - b[0] || a[1] - b[1])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
      [2, 2],
      [3, 1],
      [3, 2],
    ]);
    const settles = ofKind(t.ops, "settle").filter((s) => s.action !== "working");
    expect(settles.filter((s) => s.action === "nak")).toHaveLength(3);
    expect(settles.filter((s) => s.action === "term")).toHaveLength(3);
    // Reported: 6 handler failures and each last delivery's first failed store, nothing more.
    expect(errors.filter((e) => e.message === "payment declined")).toHaveLength(6);
    expect(errors.filter((e) => e instanceof NotFoundError)).toHaveLength(3);
    expect(errors).toHaveLength(9);
    await expectNoLoss(t.conn, {
      consumer: c,
      stored: 3,
      processed: 0,
      deadLettered: 3,
      deadLetterStream: dlq,
    });
    const letters = await Promise.all([1, 2, 3].map((seq) => jsm.streams.getMessage(dlq, { seq })));
    expect(
      letters
        .map((m) => [
          m?.header.get(DeadLetterHeaders.sequence),
          m?.header.get(DeadLetterHeaders.reason),
          m?.header.get(DeadLetterHeaders.deliveryCount),
        ])
        .sort(),
    ).toEqual([
      ["1", "max_deliver", "2"],
      ["2", "max_deliver", "2"],
      ["3", "max_deliver", "2"],
    ]);
  });

  const endings = [
    { how: "stop({ abort: true })", closed: undefined, nak: true },
    { how: "a drain deadline", closed: "TimeoutError", nak: true },
    { how: "the connection closed", closed: "ConnectionError", nak: false },
  ] as const;
  for (const ending of endings) {
    it(`held until the consume ends by ${ending.how}: a CancelledError names its stream and sequence${ending.nak ? ", then it is nak'ed" : ""}`, async () => {
      // Its own connection: one of the endings closes it.
      const own = await setup("consumer-int-dead-letter-held");
      try {
        const stream = await own.stream();
        const dlq = `${stream}_DLQ`;
        const c = await own.durable(stream, { max_deliver: 1 });
        await publish(own.conn, `${stream}.a`, 1);
        own.ops.length = 0;
        const errors: Error[] = [];
        const ctx = c.consume(
          () => {
            throw new Error("payment declined");
          },
          {
            deadLetter: { stream: dlq, subject: `dlq.${stream}` },
            onError: (e) => errors.push(e),
          },
        );
        await until(() => ofKind(own.ops, "deadletter").length >= 2, 20_000, "a store tried again");
        if (ending.how === "stop({ abort: true })") ctx.stop({ abort: true });
        else if (ending.how === "a drain deadline")
          void ctx.drain({ timeoutMs: 200 }).catch(() => {});
        else await own.conn.close();
        const closed = await ctx.closed.then(
          () => undefined,
          (err: Error) => err.name,
        );
        expect(closed).toBe(ending.closed);
        await until(
          () => errors.some((e) => e instanceof CancelledError),
          10_000,
          "the CancelledError",
        );

        const cancelled = errors.filter((e) => e instanceof CancelledError);
        expect(cancelled.map((e) => e.message)).toEqual([
          `the dead letter of ${stream} seq 1 (consumer worker, its last delivery) was not stored before the consume ended: the message stays in the stream, but the consumer will not deliver it again`,
        ]);
        // The cause is the last failed store: the missing stream, or, when the connection closed
        // during a try, that closed connection.
        const cause = (cancelled[0] as CancelledError).cause as Error;
        expect(
          ending.how === "the connection closed"
            ? ["NotFoundError", "ConnectionError"]
            : ["NotFoundError"],
        ).toContain(cause.name);
        if (ending.nak) {
          await until(
            () => ofKind(own.ops, "settle").some((s) => s.action === "nak"),
            10_000,
            "the nak",
          );
        }
        const settles = ofKind(own.ops, "settle").filter((s) => s.action !== "working");
        expect(settles.map((s) => s.action)).toEqual(ending.nak ? ["nak"] : []);
        // Still in its stream (its consumer will not deliver it again); no dead-letter stream
        // was created (the user named one).
        const jsm = await t.conn.manager();
        expect((await jsm.streams.info(stream)).state.messages).toBe(1);
        expect(await streamExists(dlq)).toBe(false);
        await jsm.streams.delete(stream);
      } finally {
        await own.close();
      }
    });
  }

  it("a handler cancelled on its last delivery is dead-lettered, not nak'ed", async () => {
    const stream = await t.stream();
    const dlq = defaultDeadLetterStream(stream);
    extraStreams.push(dlq);
    const c = await t.durable(stream, { max_deliver: 1 });
    await publish(t.conn, `${stream}.a`, 1);
    t.ops.length = 0;
    const inHandler = deferred();
    const ctx = c.consume(
      (_msg, { signal }) => {
        inHandler.resolve();
        return new Promise<void>((_, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
        );
      },
      { deadLetter: true, onError: () => {} },
    );
    await inHandler.promise;
    ctx.stop({ abort: true });
    await ctx.closed;

    const settles = ofKind(t.ops, "settle").filter((s) => s.action !== "working");
    expect(settles.map((s) => s.action)).toEqual(["term"]);
    expect(ofKind(t.ops, "deadletter").map((o) => [o.reason, o.seq])).toEqual([["max_deliver", 1]]);
    await expectNoLoss(t.conn, {
      consumer: c,
      stored: 1,
      processed: 0,
      deadLettered: 1,
      deadLetterStream: dlq,
    });
    const jsm = await t.conn.manager();
    const letter = await jsm.streams.getMessage(dlq, { seq: 1 });
    // The handler rejected with its signal's reason: the consume aborts it without one of its own.
    expect(letter?.header.get(DeadLetterHeaders.errorType)).toBe("AbortError");
  });

  it("messages pulled but not handed out when the consume stops are dead-lettered on their last delivery, released otherwise", async () => {
    const stream = await t.stream();
    const dlq = defaultDeadLetterStream(stream);
    extraStreams.push(dlq);
    const c = await t.durable(stream, { max_deliver: 1 });
    await publish(t.conn, `${stream}.a`, 5);
    t.ops.length = 0;
    const inHandler = deferred();
    const finish = deferred();
    const processed: number[] = [];
    const ctx = c.consume(
      async (msg) => {
        inHandler.resolve();
        await finish.promise;
        processed.push(msg.seq);
      },
      // One slot: the first message is handled while the client holds the other four.
      { concurrency: 1, deadLetter: true, onError: () => {} },
    );
    await inHandler.promise;
    await until(async () => (await c.info()).num_ack_pending === 5, 10_000, "all five pulled");
    ctx.stop();
    finish.resolve();
    await ctx.closed;

    expect(processed).toEqual([1]);
    expect(
      ofKind(t.ops, "deadletter")
        .map((o) => [o.message?.info.streamSequence, o.errorType])
        .sort(),
    ).toEqual([
      [2, "CANCELLED"],
      [3, "CANCELLED"],
      [4, "CANCELLED"],
      [5, "CANCELLED"],
    ]);
    const settles = ofKind(t.ops, "settle").filter((s) => s.action !== "working");
    expect(settles.map((s) => s.action).sort()).toEqual(["ack", "term", "term", "term", "term"]);
    await expectNoLoss(t.conn, {
      consumer: c,
      stored: 5,
      processed: processed.length,
      deadLettered: 4,
      deadLetterStream: dlq,
    });
  });
});
