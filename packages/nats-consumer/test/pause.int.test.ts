import { type ConsumerOperation, UnsupportedFeatureError, ValidationError } from "@helix/nats-core";
import { versionAtLeast } from "@helix/nats-core/internal";
import { deferred, until } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ConsumerStatus, createConsumerManager } from "../src/index.js";
import { publish, setup, type TestContext } from "./helpers.js";

// Consumer pause and resume need nats-server 2.11: on an older server each is refused with a
// typed error before anything is sent.

const version = inject("natsServerVersion");
const HOUR = 3_600_000;

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-pause");
});
afterAll(() => t.close());

function pauseOps(): ConsumerOperation[] {
  return t.ops.filter(
    (o): o is ConsumerOperation => o.kind === "consumer.pause" || o.kind === "consumer.resume",
  );
}

describe.runIf(versionAtLeast(version, "2.11.0"))("consumer pause (server 2.11+)", () => {
  it("pause and resume are operations of the stack, and the info shows the paused state", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "w" });
    expect(await c.info()).toMatchObject({ paused: false, pauseRemainingMs: undefined });

    t.ops.length = 0;
    const until = new Date(Date.now() + HOUR);
    const state = await c.pause(until);
    expect(state).toEqual({ paused: true, pauseUntil: until });
    const info = await c.info();
    expect(info.paused).toBe(true);
    expect(info.pauseRemainingMs).toBeGreaterThan(HOUR - 60_000);
    expect(info.pauseRemainingMs).toBeLessThanOrEqual(HOUR);

    expect(await c.resume()).toEqual({ paused: false, pauseUntil: undefined });
    expect(await c.info()).toMatchObject({ paused: false, pauseRemainingMs: undefined });

    expect(pauseOps().map((o) => [o.kind, o.stream, o.consumer, o.pauseUntil])).toEqual([
      ["consumer.pause", stream, "w", until],
      ["consumer.resume", stream, "w", undefined],
    ]);
  });

  it("refuses a date that is not in the future before any I/O", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "w" });
    t.ops.length = 0;
    const err = await c.pause(new Date(Date.now() - 1_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: "until" });
    expect(t.ops).toEqual([]);
  });

  it("a consumer created paused delivers nothing, a consume waits without errors and goes on after resume", async () => {
    const stream = await t.stream();
    const until = new Date(Date.now() + HOUR);
    t.ops.length = 0;
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, {
      durable_name: "paused",
      pauseUntil: until,
    });
    const created = t.ops.find((o) => o.kind === "consumer.create") as ConsumerOperation;
    expect(created.pauseUntil).toEqual(until);
    // The server writes RFC 3339 with trailing zeros of the fraction trimmed ("…23.07Z").
    expect(Date.parse(c.config.pause_until ?? "")).toBe(until.getTime());
    expect((await c.info()).paused).toBe(true);

    await publish(t.conn, `${stream}.a`, 2);
    const seen: number[] = [];
    const errors: Error[] = [];
    const both = deferred<void>();
    const ctx = c.consume(
      (msg) => {
        seen.push(msg.json<{ n: number }>().n);
        if (seen.length === 2) both.resolve();
      },
      { expiresMs: 2_000, idleHeartbeatMs: 1_000, onError: (e) => errors.push(e) },
    );
    // Several pull expiries and heartbeat intervals while paused.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(seen).toEqual([]);
    expect(errors).toEqual([]);

    await c.resume();
    await both.promise;
    await ctx.drain();
    expect(seen).toEqual([1, 2]);
    expect(errors).toEqual([]);
    expect((await c.info()).num_ack_pending).toBe(0);
  }, 30_000);

  it("a messages() iterator on a paused consumer waits without errors and yields the messages after resume", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, {
      durable_name: "paused-iter",
      pauseUntil: new Date(Date.now() + HOUR),
    });
    expect((await c.info()).paused).toBe(true);

    await publish(t.conn, `${stream}.a`, 2);
    const statuses: ConsumerStatus[] = [];
    const it = c.messages({
      expiresMs: 2_000,
      idleHeartbeatMs: 1_000,
      onStatus: (s) => statuses.push(s),
    });
    let settled = false;
    const first = it.next();
    first.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Three pull requests while paused: the first two expired without a message or an error.
    await until(() => statuses.filter((s) => s.type === "next").length >= 3, 15_000);
    expect(settled).toBe(false);
    expect(statuses.filter((s) => s.type === "heartbeats_missed")).toEqual([]);
    expect((await c.info()).num_pending).toBe(2);

    await c.resume();
    const msgs = [await first, await it.next()];
    for (const m of msgs) await m?.ackAck();
    expect(msgs.map((m) => m?.json<{ n: number }>().n)).toEqual([1, 2]);
    expect(msgs.map((m) => m?.seq)).toEqual([1, 2]);
    it.stop();
    await expect(it.closed).resolves.toBeUndefined();
    expect(await c.info()).toMatchObject({ num_pending: 0, num_ack_pending: 0 });
  }, 30_000);
});

describe.runIf(!versionAtLeast(version, "2.11.0"))("consumer pause (before 2.11)", () => {
  it("pause, resume and a paused create are refused with UnsupportedFeatureError before any I/O", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    const c = await consumers.createOrUpdate(stream, { durable_name: "w" });
    expect(await c.info()).toMatchObject({ paused: false, pauseRemainingMs: undefined });

    t.ops.length = 0;
    const expected = {
      name: "UnsupportedFeatureError",
      code: "UNSUPPORTED",
      feature: "consumer pause",
      requires: "2.11.0",
      serverVersion: version,
      message: `consumer pause needs nats-server 2.11.0 or newer; the server is ${version}`,
    };
    const future = new Date(Date.now() + HOUR);
    for (const call of [
      () => c.pause(future),
      () => c.resume(),
      () => consumers.createOrUpdate(stream, { durable_name: "p", pauseUntil: future }),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnsupportedFeatureError);
      expect(err).toMatchObject(expected);
    }
    expect(t.ops).toEqual([]);
    expect((await consumers.list(stream)).map((x) => x.name)).toEqual(["w"]);
  });
});
