import { DecodeError, getHeader, NotFoundError } from "@helix/nats-core";
import { deferred, ofKind, until } from "@helix/nats-testing/vitest";
import { AckPolicy } from "@nats-io/jetstream";
import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import {
  createConsumerManager,
  createDeadLetters,
  DeadLetterHeaders,
  defaultDeadLetterStream,
  REPLAYED_FROM_HEADER,
} from "../src/index.js";
import { expectNoLoss, publish, setup, type TestContext } from "./helpers.js";

const version = inject("natsServerVersion");

let t: TestContext;
const extraStreams: string[] = [];
beforeAll(async () => {
  t = await setup("consumer-int-dead-letter");
});
afterAll(async () => {
  const jsm = await t.conn.manager();
  for (const s of extraStreams) await jsm.streams.delete(s).catch(() => {});
  await t.close();
});

/** A fresh stream whose default dead-letter stream is deleted at the end. */
async function streamWithDlq(): Promise<{ stream: string; dlq: string }> {
  const stream = await t.stream();
  const dlq = defaultDeadLetterStream(stream);
  extraStreams.push(dlq);
  return { stream, dlq };
}

async function streamCount(name: string): Promise<number> {
  const jsm = await t.conn.manager();
  return (await jsm.streams.info(name)).state.messages;
}

describe(`dead letters (nats-server ${version})`, () => {
  it("the last failed delivery (max_deliver) goes to the default dead-letter stream, with the reason headers; only then is the original term'ed", async () => {
    const { stream, dlq } = await streamWithDlq();
    const c = await t.durable(stream, { max_deliver: 3 });
    const h = headers();
    h.set("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    h.set("X-Order", "42");
    const pub = await t.conn.jetstream.publish(`${stream}.orders.created`, '{"id":42}', {
      headers: h,
      msgID: "order-42",
    });
    t.ops.length = 0;
    const ctx = c.consume(
      () => {
        throw new Error("payment service down (nats://user:secret@pay:4222)");
      },
      { retry: { delaysMs: [50] }, deadLetter: true, onError: () => {} },
    );
    await until(() => ofKind(t.ops, "settle").some((s) => s.action === "term"), 10_000, "term");
    await ctx.drain();
    // Order of operations: three deliveries; naks, then the dead letter, then the term.
    const kinds = t.ops
      .filter((o) => o.kind === "settle" || o.kind === "deadletter")
      .map((o) => (o.kind === "settle" ? o.action : o.kind));
    expect(kinds).toEqual(["nak", "nak", "deadletter", "term"]);
    const op = ofKind(t.ops, "deadletter")[0]!;
    expect([op.stream, op.reason, op.errorType, op.subject, op.seq, op.consumer]).toEqual([
      dlq,
      "max_deliver",
      "Error",
      `$helix.dlq.${stream}.worker`,
      1,
      "worker",
    ]);
    const letters = await createDeadLetters(t.conn, { stream: dlq }).list();
    expect(letters).toHaveLength(1);
    const l = letters[0]!;
    expect([l.reason, l.errorType, l.errorMessage, l.deliveryCount]).toEqual([
      "max_deliver",
      "Error",
      "payment service down (nats://***@pay:4222)",
      3,
    ]);
    expect([l.originalStream, l.originalSeq, l.consumer, l.originalSubject, l.msgId]).toEqual([
      stream,
      pub.seq,
      "worker",
      `${stream}.orders.created`,
      "order-42",
    ]);
    expect(new TextDecoder().decode(l.data)).toBe('{"id":42}');
    expect(getHeader(l.headers, "Traceparent")).toBe(
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    );
    expect(getHeader(l.headers, "X-Order")).toBe("42");
    expect(getHeader(l.headers, "Nats-Msg-Id")).toBe(`dlq:${stream}:worker:${pub.seq}`);
    expect(
      Number.isNaN(new Date(getHeader(l.headers, DeadLetterHeaders.time) ?? "").getTime()),
    ).toBe(false);
    // The default stream: limits retention.
    const jsm = await t.conn.manager();
    const dlqInfo = await jsm.streams.info(dlq);
    expect([dlqInfo.config.retention, dlqInfo.config.subjects]).toEqual([
      "limits",
      [`$helix.dlq.${stream}.>`],
    ]);
    await expectNoLoss(t.conn, {
      consumer: c,
      stored: 1,
      processed: 0,
      deadLettered: 1,
      deadLetterStream: dlq,
    });
  });

  it("a permanent error (poison message: not JSON) is dead-lettered on its first delivery", async () => {
    const { stream, dlq } = await streamWithDlq();
    const c = await t.durable(stream, { max_deliver: 10 });
    await t.conn.jetstream.publish(`${stream}.a`, "{broken");
    t.ops.length = 0;
    const deliveries: number[] = [];
    const errors: Error[] = [];
    const ctx = c.consume(
      (msg) => {
        deliveries.push(msg.info.deliveryCount);
        msg.json();
      },
      { deadLetter: true, onError: (err) => errors.push(err) },
    );
    await until(() => ofKind(t.ops, "settle").length === 1, 10_000, "term");
    await ctx.drain();
    expect(deliveries).toEqual([1]);
    expect(errors.map((e) => e.constructor.name)).toEqual(["DecodeError"]);
    expect(ofKind(t.ops, "settle").map((s) => [s.action, s.reason])).toEqual([
      ["term", `dead-lettered (permanent) to ${dlq} seq 1`],
    ]);
    const [letter] = await createDeadLetters(t.conn, { stream: dlq }).list();
    expect([letter?.reason, letter?.errorType, letter?.deliveryCount]).toEqual([
      "permanent",
      "DECODE",
      1,
    ]);
    expect(letter?.errorMessage).toContain("is not JSON");
    await expectNoLoss(t.conn, {
      consumer: c,
      stored: 1,
      processed: 0,
      deadLettered: 1,
      deadLetterStream: dlq,
    });
  });

  it("with a schema: a body that is not JSON or fails the schema is dead-lettered on its first delivery, with the reason", async () => {
    const { stream, dlq } = await streamWithDlq();
    const c = await t.durable(stream, { max_deliver: 10 });
    const subject = `${stream}.orders`;
    for (const body of [
      "qty=1",
      JSON.stringify({ id: "b", qty: -1 }),
      JSON.stringify({ id: "c", qty: 3 }),
    ]) {
      await t.conn.jetstream.publish(subject, body);
    }
    t.ops.length = 0;
    const handled: string[] = [];
    const ctx = c.consume(
      (msg) => {
        handled.push(msg.value.id);
      },
      {
        schema: z.object({
          id: z.string(),
          qty: z.number().int().positive("qty must be positive"),
        }),
        deadLetter: true,
        onError: () => {},
      },
    );
    await until(() => ofKind(t.ops, "settle").length === 3, 10_000, "three settles");
    await ctx.drain();
    expect(handled).toEqual(["c"]);
    expect(ofKind(t.ops, "process").map((p) => p.message.info.deliveryCount)).toEqual([1, 1, 1]);
    expect(ofKind(t.ops, "settle").map((s) => s.action)).toEqual(["term", "term", "ack"]);
    const letters = await createDeadLetters(t.conn, { stream: dlq }).list();
    expect(letters.map((l) => [l.originalSeq, l.reason, l.errorType, l.deliveryCount])).toEqual([
      [1, "permanent", "DECODE", 1],
      [2, "permanent", "VALIDATION", 1],
    ]);
    expect(letters[1]?.errorMessage).toContain("qty must be positive");
    await expectNoLoss(t.conn, {
      consumer: c,
      stored: 3,
      processed: handled.length,
      deadLettered: 2,
      deadLetterStream: dlq,
    });
  });

  it("no message lost under load: stored = processed + dead-lettered, exactly", async () => {
    const { stream, dlq } = await streamWithDlq();
    const c = await t.durable(stream, { max_deliver: 2 });
    const js = t.conn.jetstream;
    const total = 30;
    for (let n = 1; n <= total; n++) {
      // every fifth is poison; n % 5 === 1 always fails; n % 5 === 2 fails once
      await js.publish(`${stream}.o`, n % 5 === 0 ? "poison" : JSON.stringify({ n }));
    }
    const processed = new Set<number>();
    const ctx = c.consume(
      (msg) => {
        const { n } = msg.json<{ n: number }>();
        if (n % 5 === 1) throw new Error("always fails");
        if (n % 5 === 2 && msg.info.deliveryCount === 1) throw new Error("fails once");
        processed.add(n);
      },
      { concurrency: 4, retry: { delaysMs: [100] }, deadLetter: true, onError: () => {} },
    );
    await until(
      async () => {
        const info = await c.info();
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      20_000,
      "every message settled",
    );
    await ctx.drain();
    const deadLettered = await createDeadLetters(t.conn, { stream: dlq }).list();
    const stored = await streamCount(stream);
    console.info(
      `[dead letters ${version}] stored ${stored}, processed ${processed.size}, dead-lettered ${deadLettered.length} (permanent ${deadLettered.filter((l) => l.reason === "permanent").length}, max_deliver ${deadLettered.filter((l) => l.reason === "max_deliver").length})`,
    );
    expect(stored).toBe(total);
    expect(processed.size).toBe(18);
    expect(deadLettered).toHaveLength(12);
    expect(processed.size + deadLettered.length).toBe(stored);
    const seqs = new Set(deadLettered.map((l) => l.originalSeq));
    expect(seqs.size).toBe(12);
    expect(deadLettered.filter((l) => l.reason === "permanent")).toHaveLength(6);
    await expectNoLoss(t.conn, {
      consumer: c,
      stored: total,
      processed: processed.size,
      deadLettered: 12,
      deadLetterStream: dlq,
    });
  });

  it("when storing the dead letter fails, the failure is reported and the message nak'ed; the next delivery stores it", async () => {
    const stream = await t.stream();
    const dlq = `${stream}_DLQ`;
    extraStreams.push(dlq);
    const c = await t.durable(stream, { max_deliver: 5 });
    await publish(t.conn, `${stream}.a`, 1);
    t.ops.length = 0;
    const errors: Error[] = [];
    const deliveries: number[] = [];
    const firstFailed = deferred();
    const ctx = c.consume(
      (msg) => {
        deliveries.push(msg.info.deliveryCount);
        throw new DecodeError("bad order", { subject: msg.subject });
      },
      {
        retry: { delaysMs: [300] },
        deadLetter: { stream: dlq, subject: `dlq.${stream}` },
        onError: (err) => {
          errors.push(err);
          if (err instanceof NotFoundError) firstFailed.resolve();
        },
      },
    );
    await firstFailed.promise;
    // The user's stream appears before the redelivery.
    const jsm = await t.conn.manager();
    await jsm.streams.add({ name: dlq, subjects: [`dlq.${stream}`] });
    await until(() => ofKind(t.ops, "settle").some((s) => s.action === "term"), 10_000, "term");
    await ctx.drain();
    expect(deliveries).toEqual([1, 2]);
    expect(errors.map((e) => e.constructor.name)).toEqual([
      "DecodeError",
      "NotFoundError",
      "DecodeError",
    ]);
    expect((errors[1] as NotFoundError).what).toBe("stream");
    expect(ofKind(t.ops, "settle").map((s) => [s.action, s.delayMs])).toEqual([
      ["nak", 300],
      ["term", undefined],
    ]);
    await expectNoLoss(t.conn, {
      consumer: c,
      stored: 1,
      processed: 0,
      deadLettered: 1,
      deadLetterStream: dlq,
    });
  });

  it("a dead letter stored twice (its term lost) is a duplicate, not a second copy", async () => {
    const { stream, dlq } = await streamWithDlq();
    const c = await t.durable(stream, { max_deliver: 5, ack_wait: 1_000_000_000 });
    await publish(t.conn, `${stream}.a`, 1);
    t.ops.length = 0;
    // A middleware drops the first term: the server redelivers after ack_wait.
    let dropped = 0;
    t.conn.middleware.add(
      (op, next) => {
        if (op.kind === "settle" && op.action === "term" && dropped === 0) {
          dropped++;
          return Promise.resolve() as never;
        }
        return next();
      },
      { name: "drop-term" },
    );
    const ctx = c.consume(
      () => {
        throw new DecodeError("bad", { subject: "x" });
      },
      { deadLetter: true, keepAlive: false, onError: () => {} },
    );
    await until(() => ofKind(t.ops, "deadletter").length === 2, 10_000, "two dead-letter stores");
    await until(async () => (await c.info()).num_ack_pending === 0, 10_000, "the term");
    await ctx.drain();
    t.conn.middleware.remove("drop-term");
    expect(ofKind(t.ops, "deadletter").map((o) => o.seq)).toEqual([1, 1]);
    await expectNoLoss(t.conn, {
      consumer: c,
      stored: 1,
      processed: 0,
      deadLettered: 1,
      deadLetterStream: dlq,
    });
  });
});

describe(`dead letters at shutdown (nats-server ${version})`, () => {
  it("conn.drain() while a handler fails for good: the dead letter is stored before the connection drains", async () => {
    const own = await setup("consumer-int-dead-letter-drain");
    const stream = await own.stream();
    const dlq = defaultDeadLetterStream(stream);
    extraStreams.push(dlq);
    const c = await createConsumerManager(own.conn).createOrUpdate(stream, {
      durable_name: "worker",
      ack_policy: AckPolicy.Explicit,
    });
    await publish(own.conn, `${stream}.a`, 1);
    const inHandler = deferred();
    const errors: Error[] = [];
    c.consume(
      async () => {
        inHandler.resolve();
        await new Promise((r) => setTimeout(r, 300));
        throw new DecodeError("bad order", { subject: "x" });
      },
      { deadLetter: true, onError: (err) => errors.push(err) },
    );
    await inHandler.promise;
    await own.conn.drain();
    expect(errors.map((e) => e.constructor.name)).toEqual(["DecodeError"]);
    expect(ofKind(own.ops, "deadletter").map((o) => o.seq)).toEqual([1]);
    expect(await streamCount(dlq)).toBe(1);
    const info = await createConsumerManager(t.conn).get(stream, "worker");
    expect((await info.info()).num_ack_pending).toBe(0);
    const jsm = await t.conn.manager();
    await jsm.streams.delete(stream);
  });
});

describe(`the dead-letter API (nats-server ${version})`, () => {
  it("lists with a filter, replays one to its original subject (new msg id, a header naming the dead letter), purges the rest", async () => {
    const { stream, dlq } = await streamWithDlq();
    const c = await t.durable(stream);
    const js = t.conn.jetstream;
    await js.publish(`${stream}.a`, "poison-a", { msgID: "a-1" });
    await js.publish(`${stream}.b`, "poison-b");
    await js.publish(`${stream}.b`, "poison-c");
    t.ops.length = 0;
    const ctx = c.consume((msg) => void msg.json(), { deadLetter: true, onError: () => {} });
    await until(() => ofKind(t.ops, "settle").length === 3, 10_000, "dead-lettered");
    await ctx.drain();
    const letters = createDeadLetters(t.conn, { stream: dlq });
    expect((await letters.list()).map((l) => l.originalSubject)).toEqual([
      `${stream}.a`,
      `${stream}.b`,
      `${stream}.b`,
    ]);
    expect((await letters.list({ originalSubject: `${stream}.b` })).map((l) => l.seq)).toEqual([
      2, 3,
    ]);
    expect(await letters.list({ reason: "max_deliver" })).toEqual([]);
    expect((await letters.list({ limit: 1 })).map((l) => l.seq)).toEqual([1]);

    t.ops.length = 0;
    const replayed = await letters.replay(1);
    expect(replayed).toHaveLength(1);
    const r = replayed[0]!;
    expect([r.deadLetter, r.stream]).toEqual([1, stream]);
    expect(r.msgID).toMatch(new RegExp(`^replay:${dlq}:1:`));
    const jsm = await t.conn.manager();
    const copy = await jsm.streams.getMessage(stream, { seq: r.seq });
    expect(copy?.subject).toBe(`${stream}.a`);
    expect(new TextDecoder().decode(copy?.data)).toBe("poison-a");
    expect(getHeader(copy?.header, REPLAYED_FROM_HEADER)).toBe(`${dlq}:1`);
    expect(getHeader(copy?.header, "Nats-Msg-Id")).toBe(r.msgID);
    expect(getHeader(copy?.header, DeadLetterHeaders.reason)).toBeUndefined();
    expect(t.ops.map((o) => o.kind)).toEqual(["deadletter.list", "deadletter.replay", "publish"]);
    const replayOp = ofKind(t.ops, "deadletter.replay")[0]!;
    expect([replayOp.seq, replayOp.count, replayOp.message?.info.streamSequence]).toEqual([
      1, 1, 1,
    ]);
    // Replayed dead letters are deleted (keep: false).
    expect((await letters.list()).map((l) => l.seq)).toEqual([2, 3]);

    const kept = await letters.replay({ originalSubject: `${stream}.b` }, { keep: true });
    expect(kept.map((k) => k.deadLetter)).toEqual([2, 3]);
    expect((await letters.list()).map((l) => l.seq)).toEqual([2, 3]);

    await expect(letters.replay(99)).rejects.toBeInstanceOf(NotFoundError);
    // A hole in the dead-letter stream (one deleted between two others) is skipped.
    await jsm.streams.deleteMessage(dlq, 2, false);
    const forged = () => {
      const h = headers();
      h.set(DeadLetterHeaders.reason, "permanent");
      h.set(DeadLetterHeaders.subject, `${stream}.b`);
      return h;
    };
    await t.conn.jetstream.publish(`$helix.dlq.${stream}.worker`, "x", { headers: forged() });
    await t.conn.jetstream.publish(`$helix.dlq.${stream}.worker`, "y", { headers: forged() });
    await jsm.streams.deleteMessage(dlq, 4, false);
    expect((await letters.list()).map((l) => l.seq)).toEqual([3, 5]);
    expect(await letters.purge({ originalSubject: `${stream}.b`, limit: 1 })).toBe(1);
    expect(await letters.purge()).toBe(1);
    expect(await letters.list()).toEqual([]);
    expect(ofKind(t.ops, "deadletter.purge").map((o) => o.count)).toEqual([1, 1]);
  });
});
