import { type ConsumerOperation, UnsupportedFeatureError } from "@helix/nats-core";
import { versionAtLeast } from "@helix/nats-core/internal";
import { until } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Consumer, type ConsumerStatus, createConsumerManager } from "../src/index.js";
import { publish, setup, type TestContext } from "./helpers.js";

// Priority groups need nats-server 2.11 (the prioritized policy 2.12): on an older server each
// use is refused with a typed error before anything is sent.

const version = inject("natsServerVersion");

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-priority");
});
afterAll(() => t.close());

/** A consume in group "jobs" that records the stream sequences it handled and its pin id. */
function worker(c: Consumer) {
  const seen: number[] = [];
  const errors: Error[] = [];
  const pins: string[] = [];
  const ctx = c.consume((msg) => void seen.push(msg.seq), {
    group: "jobs",
    expiresMs: 2_000,
    onError: (e) => errors.push(e),
    onStatus: (s: ConsumerStatus) => {
      if (s.type === "consumer_pinned") pins.push(s.id);
    },
  });
  return { ctx, seen, errors, pins };
}

describe.runIf(versionAtLeast(version, "2.11.0"))("priority groups (server 2.11+)", () => {
  it("pinned_client: one pinned worker gets every message, the other takes over when it stops", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    const c = await consumers.createOrUpdate(stream, {
      durable_name: "pinned",
      priority_groups: ["jobs"],
      priority_policy: "pinned_client",
      priorityTimeoutMs: 2_000,
    });
    expect(c.config).toMatchObject({ priority_groups: ["jobs"], priority_policy: "pinned_client" });

    const a = worker(c);
    await publish(t.conn, `${stream}.a`, 3);
    await until(() => a.seen.length === 3);
    const b = worker(c);
    // B's pull waits at the server next to A's before the next messages arrive.
    await until(async () => (await c.info()).num_waiting >= 2, 10_000, "both pulls waiting");
    await publish(t.conn, `${stream}.a`, 3);
    await until(() => a.seen.length === 6);
    // B pulled the whole time and got nothing: every message went to A, once.
    expect(a.seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(b.seen).toEqual([]);
    expect(a.pins).toHaveLength(1);
    const infoA = await c.info();
    expect(infoA.priorityGroups.map((g) => [g.group, g.pinnedClientId])).toEqual([
      ["jobs", a.pins[0]],
    ]);

    await a.ctx.drain();
    await publish(t.conn, `${stream}.a`, 3);
    // After priority_timeout without A pulling, B is pinned and gets the rest.
    await until(() => b.seen.length === 3, 15_000);
    expect(b.seen).toEqual([7, 8, 9]);
    expect(b.pins).toHaveLength(1);
    expect(b.pins[0]).not.toBe(a.pins[0]);
    expect((await c.info()).priorityGroups[0]?.pinnedClientId).toBe(b.pins[0]);

    t.ops.length = 0;
    await c.unpin("jobs");
    const unpin = t.ops.filter((o) => o.kind === "consumer.unpin") as ConsumerOperation[];
    expect(unpin.map((o) => [o.stream, o.consumer, o.group])).toEqual([[stream, "pinned", "jobs"]]);
    await b.ctx.drain();
    expect([...a.errors, ...b.errors]).toEqual([]);
  }, 40_000);

  it("fetch takes the group of an overflow consumer", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, {
      durable_name: "overflow",
      priority_groups: ["jobs"],
      priority_policy: "overflow",
    });
    await publish(t.conn, `${stream}.a`, 3);
    // Delivered only while more than minPending messages are pending (checked per pull request).
    expect(await c.fetch(3, { group: "jobs", minPending: 5, expiresMs: 1_000 })).toEqual([]);
    const msgs = await c.fetch(3, { group: "jobs", minPending: 1, expiresMs: 1_000 });
    expect(msgs.map((m) => m.seq)).toEqual([1, 2, 3]);
    for (const m of msgs) await m.ack();
  });

  it("consume with minAckPending gets messages only once that many wait for an ack", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, {
      durable_name: "overflow-ack",
      priority_groups: ["jobs"],
      priority_policy: "overflow",
    });
    await publish(t.conn, `${stream}.a`, 6);

    // B pulls first, with room for every message: while fewer than 2 wait for an ack, the server
    // passes its request by (sent without minAckPending, B would get all 6 at once).
    const seen: number[] = [];
    const errors: Error[] = [];
    const b = c.consume((msg) => void seen.push(msg.seq), {
      group: "jobs",
      minAckPending: 2,
      expiresMs: 30_000,
      onError: (e) => errors.push(e),
    });
    await until(async () => (await c.info()).num_waiting === 1);
    expect(await c.info()).toMatchObject({ num_pending: 6, num_ack_pending: 0 });

    // A, in the group without a threshold, takes 1 and 2 and holds them unacked: 2 wait for an
    // ack, and the server serves B's waiting request with the rest.
    const held = await c.fetch(2, { group: "jobs", expiresMs: 5_000 });
    expect(held.map((m) => m.seq)).toEqual([1, 2]);
    await until(() => seen.length === 4);
    expect(seen).toEqual([3, 4, 5, 6]);

    for (const m of held) await m.ackAck();
    await b.drain();
    expect(seen).toEqual([3, 4, 5, 6]);
    expect(errors).toEqual([]);
    expect(await c.info()).toMatchObject({ num_pending: 0, num_ack_pending: 0 });
  });
});

describe.runIf(versionAtLeast(version, "2.12.0"))("prioritized policy (server 2.12+)", () => {
  it("a pull with a priority in the group gets the messages", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, {
      durable_name: "prioritized",
      priority_groups: ["jobs"],
      priority_policy: "prioritized",
    });
    expect(c.config.priority_policy).toBe("prioritized");
    await publish(t.conn, `${stream}.a`, 2);
    const it = c.messages({ group: "jobs", priority: 0, expiresMs: 2_000 });
    const got: number[] = [];
    for await (const m of it) {
      got.push(m.seq);
      await m.ack();
      if (got.length === 2) break;
    }
    expect(got).toEqual([1, 2]);
  });

  it("a fetch with priority 1 gets its messages after a priority 0 pull that came later", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, {
      durable_name: "prioritized-fetch",
      priority_groups: ["jobs"],
      priority_policy: "prioritized",
    });
    // The priority 1 fetch waits first; the priority 0 one, queued after it, is served first
    // (were the fetch's priority not sent, it would be 0 too, and first in line).
    const second = c.fetch(2, { group: "jobs", priority: 1, expiresMs: 10_000 });
    await until(async () => (await c.info()).num_waiting === 1);
    const first = c.fetch(1, { group: "jobs", priority: 0, expiresMs: 10_000 });
    await until(async () => (await c.info()).num_waiting === 2);

    await publish(t.conn, `${stream}.a`, 3);
    const [p0, p1] = await Promise.all([first, second]);
    expect(p0.map((m) => m.seq)).toEqual([1]);
    expect(p1.map((m) => m.seq)).toEqual([2, 3]);
    for (const m of [...p0, ...p1]) await m.ackAck();
    expect(await c.info()).toMatchObject({ num_pending: 0, num_ack_pending: 0 });
  });

  it("the lower priority number is served while it has room: a priority 1 consume gets only what comes after", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, {
      durable_name: "prioritized-two",
      priority_groups: ["jobs"],
      priority_policy: "prioritized",
    });
    // The priority 1 consume waits first.
    const low: number[] = [];
    const errors: Error[] = [];
    const ctx = c.consume((msg) => void low.push(msg.seq), {
      group: "jobs",
      priority: 1,
      expiresMs: 30_000,
      onError: (e) => errors.push(e),
    });
    await until(async () => (await c.info()).num_waiting === 1);
    // Then a priority 0 iterator, with room for 100.
    const it = c.messages({ group: "jobs", priority: 0, expiresMs: 30_000 });
    const next = it.next();
    await until(async () => (await c.info()).num_waiting === 2);

    await publish(t.conn, `${stream}.a`, 3);
    const high = [await next, await it.next(), await it.next()];
    for (const m of high) await m?.ackAck();
    // Each message is delivered once: priority 0 had them all, priority 1 none.
    expect(high.map((m) => m?.seq)).toEqual([1, 2, 3]);
    expect(low).toEqual([]);

    // Once the priority 0 iterator is gone, the priority 1 consume is served.
    it.stop();
    await it.closed;
    await until(async () => (await c.info()).num_waiting === 1);
    await publish(t.conn, `${stream}.a`, 2);
    await until(() => low.length === 2);
    await ctx.drain();
    expect(low).toEqual([4, 5]);
    expect(errors).toEqual([]);
    expect(await c.info()).toMatchObject({ num_pending: 0, num_ack_pending: 0 });
  });
});

describe.runIf(!versionAtLeast(version, "2.11.0"))("priority groups (before 2.11)", () => {
  it("a priority config, a pull in a group and unpin are refused with UnsupportedFeatureError before any I/O", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    const c = await consumers.createOrUpdate(stream, { durable_name: "w" });
    t.ops.length = 0;
    const expected = {
      name: "UnsupportedFeatureError",
      feature: "priority groups",
      requires: "2.11.0",
      serverVersion: version,
      message: `priority groups needs nats-server 2.11.0 or newer; the server is ${version}`,
    };
    const calls: Array<() => Promise<unknown>> = [
      () =>
        consumers.createOrUpdate(stream, {
          durable_name: "p",
          priority_groups: ["jobs"],
          priority_policy: "pinned_client",
        }),
      () => c.fetch(1, { group: "jobs" }),
      () => c.unpin("jobs"),
      async () => c.consume(() => {}, { group: "jobs" }),
      async () => c.messages({ group: "jobs" }),
    ];
    for (const call of calls) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnsupportedFeatureError);
      expect(err).toMatchObject(expected);
    }
    expect(t.ops).toEqual([]);
  });
});
