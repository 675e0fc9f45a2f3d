import { connect, type HelixError, TimeoutError } from "@helix/nats-core";
import { startServer } from "@helix/nats-testing";
import { ofKind, recordOperations } from "@helix/nats-testing/vitest";
import { describe, expect, it } from "vitest";
import { createPublisher, createStreamManager } from "../src/index.js";

describe("a paused server", () => {
  it("a publish that timed out while the server was frozen succeeds on retry, stored once", async () => {
    await using server = await startServer({ jetstream: true });
    await using conn = await connect({ addresses: [server.url], name: "stream-int-pause" });
    const streams = createStreamManager(conn);
    const stream = await streams.create({ name: "PAUSED", subjects: ["paused.>"] });
    const ops = recordOperations(conn);

    const retries: { error: HelixError; attempt: number }[] = [];
    const resumed: Promise<void>[] = [];
    const publisher = createPublisher(conn, {
      timeoutMs: 500,
      retry: {
        attempts: 20,
        initialDelayMs: 100,
        maxDelayMs: 500,
        onRetry: (error, attempt) => {
          retries.push({ error, attempt });
          // thaw the server once the first attempt has timed out
          if (retries.length === 1) resumed.push(server.resume());
        },
      },
    });

    await server.pause();
    expect(server.paused).toBe(true);
    const ack = await publisher.publish("paused.order", { id: 1 }, { msgID: "order-1" });
    await Promise.all(resumed);

    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries[0]?.error).toBeInstanceOf(TimeoutError);
    expect(retries[0]?.attempt).toBe(1);
    const op = ofKind(ops, "publish")[0];
    expect(op?.attempt).toBe(retries.length + 1);
    expect(op?.msgID).toBe("order-1");
    expect(op?.ack).toEqual(ack);
    expect(ack.seq).toBe(1);
    console.info(`pause: ${retries.length} retries, ack.duplicate=${ack.duplicate}`);
    // the frozen first attempt was stored when the server woke up; the retry was de-duplicated
    // against it (duplicate: true) or was itself the one stored: either way, exactly once
    const info = await stream.info();
    expect(info.state.messages).toBe(1);
    const stored = await stream.getMsg(1);
    expect(stored?.headers?.get("Nats-Msg-Id")).toBe("order-1");
    expect(JSON.parse(new TextDecoder().decode(stored?.data))).toEqual({ id: 1 });
  });

  it("publishAsync futures in flight while the server is frozen all settle acked, each stored once", async () => {
    await using server = await startServer({ jetstream: true });
    await using conn = await connect({ addresses: [server.url], name: "stream-int-pause-async" });
    const streams = createStreamManager(conn);
    const stream = await streams.create({ name: "PAUSED_ASYNC", subjects: ["pa.>"] });
    let resumed: Promise<void> | undefined;
    const publisher = createPublisher(conn, {
      timeoutMs: 500,
      maxPending: 64,
      retry: {
        attempts: 20,
        initialDelayMs: 100,
        maxDelayMs: 500,
        onRetry: () => {
          resumed ??= server.resume();
        },
      },
    });
    await server.pause();
    const futures = [];
    for (let i = 0; i < 50; i++) futures.push(await publisher.publishAsync("pa.x", `${i}`));
    const completion = await publisher.complete();
    await resumed;
    // the first retry thawed the server (nothing else resumes it)
    expect(server.paused).toBe(false);
    expect(completion).toEqual({ acked: 50, failed: 0, firstError: undefined });
    const acks = await Promise.all(futures.map((f) => f.ack));
    expect(new Set(acks.map((a) => a.seq)).size).toBe(50);
    expect((await stream.info()).state.messages).toBe(50);
  });
});
