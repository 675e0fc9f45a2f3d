import { ConnectionError, connect, getHeader, JetStreamUnavailableError } from "@helix/nats-core";
import { type NatsServer, startServer } from "@helix/nats-testing";
import { ofKind, recordOperations, uniqueName, until } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPublisher, createStreamManager, type PublishFuture } from "../src/index.js";
import { freeze } from "./helpers.js";

const url = inject("natsUrl");

describe("a closed connection", () => {
  it("refuses publishAsync and publish at once with ConnectionError (CONNECTION_CLOSED): nothing is queued", async () => {
    const own = await connect({ addresses: [url], name: "stream-int-closed-refused" });
    const ops = recordOperations(own);
    const publisher = createPublisher(own);
    await own.close();

    for (const [call, send] of [
      ["publishAsync", () => publisher.publishAsync("closed.x", "y")],
      ["publish", () => publisher.publish("closed.x", "z")],
    ] as const) {
      const refused = await send().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ConnectionError);
      expect(refused).toMatchObject({
        code: "CONNECTION_CLOSED",
        message: `${call}: the connection is closed`,
        retryable: false,
      });
    }
    expect(publisher.pending).toBe(0);
    // refused before it was queued: publishAsync itself rejected, so complete() counts nothing
    expect(await publisher.complete()).toEqual({ acked: 0, failed: 0, firstError: undefined });
    // refused inside the stack, so a middleware saw both publishes, each one try, never acked
    expect(ofKind(ops, "publish").map((op) => [op.async, op.attempt, op.ack])).toEqual([
      [true, 1, undefined],
      [false, 1, undefined],
    ]);
  });

  it("refuses the version-gated sends with ConnectionError too, on any server: the connection's state comes before the feature check", async () => {
    const own = await connect({ addresses: [url], name: "stream-int-closed-features" });
    const publisher = createPublisher(own);
    await own.close();
    const sends = [
      () => publisher.publish("closed.x", "y", { ttlMs: 5_000 }),
      () => publisher.publishAsync("closed.x", "y", { ttlMs: 5_000 }),
      () => publisher.increment("closed.x", 1),
      () => publisher.schedule("closed.x", "y", { target: "closed.out", delayMs: 1_000 }),
      () => publisher.batch().add("closed.x", "y", { ttlMs: 5_000 }).commit(),
    ];
    const refused = await Promise.all(sends.map((send) => send().catch((e: unknown) => e)));
    expect(refused.map((e) => [(e as Error).name, (e as ConnectionError).code])).toEqual(
      sends.map(() => ["ConnectionError", "CONNECTION_CLOSED"]),
    );
  });
});

describe("a server without JetStream", () => {
  it("refuses publish and publishAsync at once with JetStreamUnavailableError, not retried", async () => {
    await using server = await startServer({ jetstream: false });
    await using own = await connect({ addresses: [server.url], name: "stream-int-no-js" });
    const retries: number[] = [];
    const publisher = createPublisher(own, { retry: { onRetry: (_e, n) => retries.push(n) } });
    for (const send of [
      () => publisher.publishAsync("nojs.x", "y"),
      () => publisher.publish("nojs.x", "z"),
    ]) {
      const refused = await send().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(JetStreamUnavailableError);
      expect(refused).toMatchObject({ code: "JETSTREAM_UNAVAILABLE", retryable: false });
      expect((refused as Error).message).toMatch(/JetStream is not enabled on the server/);
    }
    expect(retries).toEqual([]);
    expect(publisher.pending).toBe(0);
  });
});

describe("a draining connection", () => {
  let server: NatsServer;
  let name: string;

  beforeAll(async () => {
    server = await startServer();
    name = uniqueName("DRAINING");
    await using setup = await connect({ addresses: [server.url], name: "stream-int-drain-setup" });
    await createStreamManager(setup).create({ name, subjects: [`${name}.>`] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** The messages the stream holds, read on a fresh connection. */
  async function storedIDs(): Promise<string[]> {
    await using reader = await connect({ addresses: [server.url], name: "stream-int-reader" });
    const stream = await createStreamManager(reader).get(name);
    const { state } = await stream.info();
    const ids: string[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const msg = await stream.getMsg(seq);
      ids.push(getHeader(msg?.headers, "Nats-Msg-Id") ?? "");
    }
    return ids;
  }

  it("waits for the publishes in flight when the drain began: every one is acked and stored", async () => {
    const own = await connect({ addresses: [server.url], name: "stream-int-drain-wait" });
    const publisher = createPublisher(own);
    // a frozen server holds every ack: the publishes are in flight when the drain starts
    await freeze(server);
    const futures = [];
    for (let i = 0; i < 20; i++) {
      futures.push(await publisher.publishAsync(`${name}.a`, `${i}`, { msgID: `wait-${i}` }));
    }
    const sync = publisher.publish(`${name}.a`, "sync", { msgID: "wait-sync" });
    let drained = false;
    const draining = own.drain().then(() => {
      drained = true;
    });
    try {
      await new Promise((resolve) => setImmediate(resolve));
      // the drain waits for the publisher: the client has not started its own drain
      expect(own.nats.isDraining()).toBe(false);
      expect(drained).toBe(false);
      expect(publisher.pending).toBe(20);
    } finally {
      await server.resume();
    }
    await draining;
    const acks = await Promise.all(futures.map((f) => f.ack));
    expect(acks.map((a) => a.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await sync).toEqual({ stream: name, seq: 21, duplicate: false });
    expect(await storedIDs()).toEqual([
      ...Array.from({ length: 20 }, (_, i) => `wait-${i}`),
      "wait-sync",
    ]);
  });

  it("refuses publishAsync and publish made after the client's drain began (CONNECTION_DRAINING): nothing is sent", async () => {
    const own = await connect({ addresses: [server.url], name: "stream-int-drain-refuse" });
    const ops = recordOperations(own);
    const publisher = createPublisher(own);
    const before = (await storedIDs()).length;
    // frozen, the server cannot answer the drain's flush: the client stays draining
    await freeze(server);
    const draining = own.drain();
    try {
      await refuseWhileDraining();
    } finally {
      await server.resume();
    }
    await draining;
    // nothing was sent: the stream holds what it held before
    const ids = await storedIDs();
    expect(ids).toHaveLength(before);
    expect(ids).not.toContain("late-async");
    expect(ids).not.toContain("late-sync");

    async function refuseWhileDraining(): Promise<void> {
      await until(() => own.nats.isDraining(), 10_000, "the client's drain");
      const calls = [
        [
          "publishAsync",
          () => publisher.publishAsync(`${name}.b`, "late", { msgID: "late-async" }),
        ],
        ["publish", () => publisher.publish(`${name}.b`, "late", { msgID: "late-sync" })],
      ] as const;
      // The version-gated sends too, whatever the server: the drain comes before the check.
      const gated = [
        () => publisher.publish(`${name}.b`, "late", { msgID: "late-ttl", ttlMs: 5_000 }),
        () => publisher.increment(`${name}.c`, 1),
        () => publisher.schedule(`${name}.s`, "late", { target: `${name}.b`, delayMs: 1_000 }),
        () => publisher.batch().add(`${name}.b`, "late", { ttlMs: 5_000 }).commit(),
      ];
      const gatedRefusals = await Promise.all(gated.map((send) => send().catch((e: unknown) => e)));
      expect(gatedRefusals.map((e) => [(e as Error).name, (e as ConnectionError).code])).toEqual(
        gated.map(() => ["ConnectionError", "CONNECTION_DRAINING"]),
      );
      for (const [call, send] of calls) {
        const refused = await send().catch((e: unknown) => e);
        const state = `closed: ${own.nats.isClosed()}, ${String(refused)}`;
        expect(refused, state).toBeInstanceOf(ConnectionError);
        expect(refused, state).toMatchObject({
          code: "CONNECTION_DRAINING",
          message: `${call}: the connection is draining, so nothing new is sent (it would be applied but never answered)`,
        });
      }
      expect(publisher.pending).toBe(0);
      expect(ofKind(ops, "publish").map((op) => op.attempt)).toEqual([1, 1, 1, 1, 1]);
    }
  });

  it("a publish in flight when the connection closes fails with ConnectionError (CONNECTION_CLOSED)", async () => {
    const own = await connect({ addresses: [server.url], name: "stream-int-close-inflight" });
    const publisher = createPublisher(own);
    let inFlight: { future: PublishFuture; sync: Promise<unknown> };
    await freeze(server);
    try {
      const future = await publisher.publishAsync(`${name}.c`, "in flight");
      const sync = publisher.publish(`${name}.c`, "in flight too").catch((e: unknown) => e);
      // handed to the client, the ack awaited
      await new Promise((resolve) => setImmediate(resolve));
      await own.close();
      inFlight = { future, sync };
    } finally {
      await server.resume();
    }
    const { future, sync } = inFlight;
    const failure = await future.ack.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(failure).toMatchObject({ code: "CONNECTION_CLOSED" });
    const syncFailure = await sync;
    expect(syncFailure).toBeInstanceOf(ConnectionError);
    expect(syncFailure).toMatchObject({ code: "CONNECTION_CLOSED" });
    expect(await publisher.complete()).toMatchObject({ acked: 0, failed: 1 });
  });
});
