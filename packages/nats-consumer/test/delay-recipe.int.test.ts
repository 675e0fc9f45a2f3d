import { deferred, ofKind, until } from "@helix/nats-testing/vitest";
import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsumerManager } from "../src/index.js";
import { setup, type TestContext } from "./helpers.js";

// The one-shot delay of servers before 2.12 from the @helix/nats-stream README ("Scheduled and
// delayed messages"): a delay stream, and a consumer that naks each parked message until its
// time, then moves it to its target. Run on every server version. The consumer side is the
// recipe's code (with an `onError` that records); the stream side (`streams.create`,
// `publisher.publish`) is done with the raw client, as this package does not import
// @helix/nats-stream: the stream with the same subjects, the messages with the headers the
// publisher sends (`Content-Type` for JSON, the recipe's own, and the forwarded `msgID`).

const DELAY_MS = 2_000;

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-delay-recipe");
});
afterAll(() => t.close());

describe("delay stream recipe (nak until due)", () => {
  it("a parked message is nak'ed until its time, moved to its target once, and nothing stays pending", async () => {
    const DELAYED = await t.stream(); // subjects `${DELAYED}.>`
    const jobs = await t.stream();
    const delayed = await createConsumerManager(t.conn).createOrUpdate(DELAYED, {
      durable_name: "delayer",
    });

    // Park the message, with its time and target in headers.
    const parkedAt = Date.now();
    const dueAt = parkedAt + DELAY_MS;
    const h = headers();
    h.set("Content-Type", "application/json");
    h.set("Deliver-At", String(dueAt));
    h.set("Deliver-To", `${jobs}.reminders.due`);
    const parked = await t.conn.jetstream.publish(
      `${DELAYED}.reminders`,
      JSON.stringify({ user: 42 }),
      { headers: h },
    );
    expect(parked.seq).toBe(1);

    t.ops.length = 0;
    const deliveries: Array<{ seq: number; deliveryCount: number; at: number }> = [];
    const errors: Error[] = [];
    const moved = deferred<void>();
    const ctx = delayed.consume(
      async (msg) => {
        deliveries.push({ seq: msg.seq, deliveryCount: msg.info.deliveryCount, at: Date.now() });
        const due = Number(msg.headers?.get("Deliver-At"));
        const waitMs = due - Date.now();
        if (waitMs > 0) return msg.nak(waitMs); // back when it is due (settled: no auto-ack)
        await t.conn.jetstream.publish(msg.headers?.get("Deliver-To") ?? "", msg.data, {
          headers: msg.headers,
          msgID: `delayed-${msg.seq}`,
        }); // returning acks the parked message
        moved.resolve();
      },
      { onError: (e) => errors.push(e) },
    );
    await moved.promise;
    await ctx.drain();

    // Delivered twice: nak'ed with the time left on the first, moved on the second, once due.
    expect(deliveries.map((d) => [d.seq, d.deliveryCount])).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(deliveries[1]?.at).toBeGreaterThanOrEqual(dueAt);
    expect((deliveries[1]?.at ?? 0) - parkedAt).toBeGreaterThanOrEqual(DELAY_MS);
    const settles = ofKind(t.ops, "settle");
    expect(settles.map((o) => [o.action, o.message.info.streamSequence])).toEqual([
      ["nak", 1],
      ["ack", 1],
    ]);
    expect(settles[0]?.delayMs).toBeGreaterThan(0);
    expect(settles[0]?.delayMs).toBeLessThanOrEqual(DELAY_MS);
    expect(errors).toEqual([]);

    // The target holds it once, stored after its time, with its body and headers.
    const jsm = await t.conn.manager();
    expect((await jsm.streams.info(jobs)).state.messages).toBe(1);
    const stored = await jsm.streams.getMessage(jobs, { seq: 1 });
    if (stored === null) throw new Error("the moved message is not in the target stream");
    expect(stored.subject).toBe(`${jobs}.reminders.due`);
    expect(stored.json()).toEqual({ user: 42 });
    expect(stored.header.get("Content-Type")).toBe("application/json");
    expect(stored.header.get("Deliver-To")).toBe(`${jobs}.reminders.due`);
    expect(stored.header.get("Nats-Msg-Id")).toBe("delayed-1");
    expect(stored.time.getTime()).toBeGreaterThanOrEqual(dueAt);

    // Nothing left for the delayer: the parked message was acked after its two deliveries.
    await until(async () => (await delayed.info()).num_ack_pending === 0);
    expect(await delayed.info()).toMatchObject({
      num_pending: 0,
      num_ack_pending: 0,
      delivered: { consumer_seq: 2, stream_seq: 1 },
      ack_floor: { stream_seq: 1 },
    });
  }, 30_000);
});
