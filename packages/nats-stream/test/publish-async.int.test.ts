import { Socket } from "node:net";
import {
  type Connection,
  ConnectionError,
  connect,
  type PublishOperation,
  ValidationError,
  WrongRevisionError,
} from "@helix/nats-core";
import { deferred, ofKind, recordOperations, uniqueName, until } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPublisher, createStreamManager, type PubAck } from "../src/index.js";
import { withStream } from "./helpers.js";

const url = inject("natsUrl");
let conn: Connection;

beforeAll(async () => {
  conn = await connect({ addresses: [url], name: "stream-int-async" });
});
afterAll(async () => {
  await conn?.drain();
});

describe("publishAsync", () => {
  it("sends 20,000 messages through a window of 256: all acked, contiguous, pending ≤ 256", async () => {
    await withStream(conn, "ASYNC20K", async (stream, name) => {
      const total = 20_000;
      const publisher = createPublisher(conn, { maxPending: 256 });
      expect(publisher.maxPending).toBe(256);
      const payload = new Uint8Array(128);
      const seqs: number[] = [];
      let maxSeenPending = 0;
      let settled = 0;
      for (let i = 0; i < total; i++) {
        const future = await publisher.publishAsync(`${name}.${i % 8}`, payload);
        maxSeenPending = Math.max(maxSeenPending, publisher.pending);
        future.ack.then(
          (ack) => {
            seqs.push(ack.seq);
            settled++;
          },
          () => {
            settled++;
          },
        );
      }
      const completion = await publisher.complete();
      // complete() resolved only after the last ack had arrived
      expect(settled).toBe(total);
      expect(seqs).toHaveLength(total);
      expect(publisher.pending).toBe(0);
      expect(completion).toEqual({ acked: total, failed: 0, firstError: undefined });
      expect(maxSeenPending).toBeLessThanOrEqual(256);
      // the window was actually used (back-pressure engaged), not one message at a time
      expect(maxSeenPending).toBeGreaterThan(1);
      const sorted = [...seqs].sort((a, b) => a - b);
      expect(sorted[0]).toBe(1);
      expect(sorted.at(-1)).toBe(total);
      expect(new Set(sorted).size).toBe(total);
      const info = await stream.info();
      expect(info.state.messages).toBe(total);
      expect(info.state.first_seq).toBe(1);
      expect(info.state.last_seq).toBe(total);
    });
  });

  it("resolves once queued, before the ack; next() of its operation settles with the ack", async () => {
    await withStream(conn, "SENT", async (_stream, name) => {
      const hold = deferred();
      const seen: { op: PublishOperation; ackAfterNext: PubAck | undefined }[] = [];
      const mw = `hold-${name}`;
      conn.middleware.add(
        async (op, next) => {
          const result = await next();
          if (op.kind === "publish") {
            seen.push({ op, ackAfterNext: op.ack });
            await hold.promise;
          }
          return result;
        },
        { name: mw },
      );
      try {
        const publisher = createPublisher(conn);
        const future = await publisher.publishAsync(`${name}.x`, "held", { msgID: "held-1" });
        expect(future.msgID).toBe("held-1");
        expect(future.subject).toBe(`${name}.x`);
        expect(publisher.pending).toBe(1);
        let completed = false;
        const completion = publisher.complete().then((c) => {
          completed = true;
          return c;
        });
        let acked = false;
        future.ack.then(() => {
          acked = true;
        });
        // wait until the server acked (the middleware saw next() settle) while the op is held
        await until(() => seen.length > 0, 10_000, "the server's ack");
        expect(seen[0]?.op.async).toBe(true);
        expect(seen[0]?.ackAfterNext?.seq).toBe(1);
        expect(acked).toBe(false);
        expect(completed).toBe(false);
        expect(publisher.pending).toBe(1);
        hold.resolve();
        expect(await future.ack).toEqual({ stream: name, seq: 1, duplicate: false });
        expect(await completion).toMatchObject({ acked: 1, failed: 0 });
        expect(publisher.pending).toBe(0);
      } finally {
        hold.resolve();
        conn.middleware.remove(mw);
      }
    });
  });

  it("settles every future: failures reach ack and complete(), never as unhandled rejections", async () => {
    await withStream(conn, "FAIL", async (_stream, name) => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on("unhandledRejection", onUnhandled);
      try {
        const publisher = createPublisher(conn, { maxPending: 4 });
        const ok = await publisher.publishAsync(`${name}.x`, "1");
        // wrong expectation: rejected by the server; this future is ignored on purpose
        await publisher.publishAsync(`${name}.x`, "2", { expect: { lastSequence: 99 } });
        const awaited = await publisher.publishAsync(`${name}.x`, "3", {
          expect: { lastSequence: 98 },
        });
        const completion = await publisher.complete();
        expect(completion.acked).toBe(1);
        expect(completion.failed).toBe(2);
        expect(completion.firstError).toBeInstanceOf(WrongRevisionError);
        await expect(ok.ack).resolves.toMatchObject({ seq: 1 });
        await expect(awaited.ack).rejects.toBeInstanceOf(WrongRevisionError);
        // counters restart after each complete()
        expect(await publisher.complete()).toEqual({ acked: 0, failed: 0, firstError: undefined });
        await new Promise((r) => setTimeout(r, 50));
        expect(unhandled).toEqual([]);
      } finally {
        process.off("unhandledRejection", onUnhandled);
      }
    });
  });

  it("rejects publishAsync itself when a middleware fails before the send; the slot is freed", async () => {
    await withStream(conn, "MWFAIL", async (stream, name) => {
      const mw = `fail-${name}`;
      conn.middleware.add(
        async (op, next) => {
          if (op.kind === "publish" && op.subject.endsWith(".refused")) {
            throw new Error("refused by middleware");
          }
          return next();
        },
        { name: mw },
      );
      try {
        const publisher = createPublisher(conn, { maxPending: 1 });
        await expect(publisher.publishAsync(`${name}.refused`, "x")).rejects.toThrow(
          /refused by middleware/,
        );
        expect(publisher.pending).toBe(0);
        const next = await publisher.publishAsync(`${name}.ok`, "y");
        await expect(next.ack).resolves.toMatchObject({ seq: 1 });
        expect((await publisher.complete()).acked).toBe(1);
        expect((await stream.info()).state.messages).toBe(1);
      } finally {
        conn.middleware.remove(mw);
      }
    });
  });

  it("applies back-pressure: with a full window publishAsync waits for a free slot", async () => {
    await withStream(conn, "WINDOW", async (_stream, name) => {
      const hold = deferred();
      const mw = `hold-${name}`;
      conn.middleware.add(
        async (op, next) => {
          const result = await next();
          if (op.kind === "publish") await hold.promise;
          return result;
        },
        { name: mw },
      );
      try {
        const publisher = createPublisher(conn, { maxPending: 2 });
        await publisher.publishAsync(`${name}.x`, "1");
        await publisher.publishAsync(`${name}.x`, "2");
        let third = false;
        const thirdSent = publisher.publishAsync(`${name}.x`, "3").then((f) => {
          third = true;
          return f;
        });
        await new Promise((r) => setTimeout(r, 50));
        expect(third).toBe(false);
        expect(publisher.pending).toBe(2);
        hold.resolve();
        const future = await thirdSent;
        await expect(future.ack).resolves.toMatchObject({ seq: 3 });
        expect(await publisher.complete()).toMatchObject({ acked: 3, failed: 0 });
      } finally {
        hold.resolve();
        conn.middleware.remove(mw);
      }
    });
  });

  it("queues awaited publishAsync calls and writes them together: one socket write per batch", async () => {
    await withStream(conn, "BATCH", async (stream, name) => {
      const own = await connect({ addresses: [url], name: "stream-int-batch" });
      let writes = 0;
      const write = Socket.prototype.write;
      Socket.prototype.write = function (this: Socket, ...args: Parameters<Socket["write"]>) {
        writes++;
        return write.apply(this, args);
      } as Socket["write"];
      try {
        const publisher = createPublisher(own, { maxPending: 1_000 });
        const futures = [];
        for (let i = 0; i < 1_000; i++) {
          futures.push(await publisher.publishAsync(`${name}.x`, `${i}`));
        }
        // resolved once queued: nothing was handed to the socket yet
        expect(writes).toBe(0);
        expect(await publisher.complete()).toMatchObject({ acked: 1_000, failed: 0 });
        const perMessage = writes / 1_000;
        console.log(`publishAsync batch: ${writes} socket writes for 1,000 messages`);
        // one per message before batching; about 3 here (the client flushes every 32 KiB)
        expect(perMessage).toBeLessThan(0.05);
        // in call order
        const seqs = await Promise.all(futures.map((f) => f.ack.then((a) => a.seq)));
        expect(seqs).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
        const last = await stream.getLastMsgForSubject(`${name}.x`);
        expect(new TextDecoder().decode(last?.data)).toBe("999");
      } finally {
        Socket.prototype.write = write;
        await own.close();
      }
    });
  });

  it("with a middleware that waits before next(), resolves once it reached the send", async () => {
    await withStream(conn, "MWWAIT", async (_stream, name) => {
      const hold = deferred();
      const mw = `wait-${name}`;
      conn.middleware.add(
        async (op, next) => {
          if (op.kind === "publish") await hold.promise;
          return next();
        },
        { name: mw },
      );
      try {
        const publisher = createPublisher(conn);
        let resolved = false;
        const queued = publisher.publishAsync(`${name}.x`, "late").then((f) => {
          resolved = true;
          return f;
        });
        await new Promise((r) => setTimeout(r, 20));
        expect(resolved).toBe(false);
        expect(publisher.pending).toBe(1);
        hold.resolve();
        const future = await queued;
        await expect(future.ack).resolves.toMatchObject({ seq: 1 });
        expect(await publisher.complete()).toMatchObject({ acked: 1, failed: 0 });
      } finally {
        hold.resolve();
        conn.middleware.remove(mw);
      }
    });
  });

  it("a publish does not overtake queued publishAsync calls", async () => {
    await withStream(conn, "ORDER", async (_stream, name) => {
      const publisher = createPublisher(conn);
      const queued = await publisher.publishAsync(`${name}.x`, "first");
      const sync = await publisher.publish(`${name}.x`, "second");
      expect((await queued.ack).seq).toBe(1);
      expect(sync.seq).toBe(2);
      expect(await publisher.complete()).toMatchObject({ acked: 1, failed: 0 });
    });
  });

  it("a connection closed while messages are queued fails their futures, counted by complete()", async () => {
    await withStream(conn, "CLOSED", async (_stream, name) => {
      const own = await connect({ addresses: [url], name: "stream-int-closed" });
      const publisher = createPublisher(own, { maxPending: 10 });
      const futures = [];
      for (let i = 0; i < 3; i++) futures.push(await publisher.publishAsync(`${name}.x`, `${i}`));
      await own.close();
      for (const f of futures) await expect(f.ack).rejects.toBeInstanceOf(ConnectionError);
      const completion = await publisher.complete();
      expect(completion).toMatchObject({ acked: 0, failed: 3 });
      expect(completion.firstError).toBeInstanceOf(ConnectionError);
      expect(publisher.pending).toBe(0);
    });
  });

  it("a signal aborted while the message is queued: not sent, CancelledError on future.ack", async () => {
    await withStream(conn, "QCANCEL", async (stream, name) => {
      const publisher = createPublisher(conn);
      const controller = new AbortController();
      const future = await publisher.publishAsync(`${name}.x`, "never", {
        signal: controller.signal,
      });
      controller.abort();
      await expect(future.ack).rejects.toMatchObject({ code: "CANCELLED" });
      expect(await publisher.complete()).toMatchObject({ acked: 0, failed: 1 });
      await publisher.publish(`${name}.x`, "after");
      expect((await stream.info()).state.messages).toBe(1);
    });
  });

  it("conn.drain() waits for pending acks", async () => {
    const streams = createStreamManager(conn);
    const name = uniqueName("DRAIN");
    await streams.create({ name, subjects: [`${name}.>`] });
    try {
      const own = await connect({ addresses: [url], name: "stream-int-drain" });
      const ops = recordOperations(own);
      const publisher = createPublisher(own, { maxPending: 500 });
      const futures = [];
      for (let i = 0; i < 2_000; i++)
        futures.push(await publisher.publishAsync(`${name}.x`, `${i}`));
      let drained = false;
      const draining = own.drain().then(() => {
        drained = true;
      });
      const results = await Promise.allSettled(futures.map((f) => f.ack));
      await draining;
      expect(drained).toBe(true);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2_000);
      expect(ofKind(ops, "publish").every((op) => op.async && op.ack !== undefined)).toBe(true);
      expect((await (await streams.get(name)).info()).state.messages).toBe(2_000);
    } finally {
      await streams.delete(name);
    }
  });

  it("cancels a wait for a window slot with the signal", async () => {
    await withStream(conn, "CANCELWIN", async (_stream, name) => {
      const hold = deferred();
      const mw = `hold-${name}`;
      conn.middleware.add(
        async (op, next) => {
          const result = await next();
          if (op.kind === "publish") await hold.promise;
          return result;
        },
        { name: mw },
      );
      try {
        const publisher = createPublisher(conn, { maxPending: 1 });
        await publisher.publishAsync(`${name}.x`, "1");
        const controller = new AbortController();
        const waiting = publisher.publishAsync(`${name}.x`, "2", { signal: controller.signal });
        controller.abort();
        await expect(waiting).rejects.toMatchObject({ code: "CANCELLED" });
        hold.resolve();
        expect(await publisher.complete()).toMatchObject({ acked: 1, failed: 0 });
        expect(publisher.pending).toBe(0);
        await expect(publisher.publishAsync("a..b", "x")).rejects.toBeInstanceOf(ValidationError);
      } finally {
        hold.resolve();
        conn.middleware.remove(mw);
      }
    });
  });
});
