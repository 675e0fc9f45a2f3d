import {
  CancelledError,
  type Connection,
  ConnectionError,
  connect,
  getHeader,
  JetStreamApiError,
  NotFoundError,
  ValidationError,
  WrongRevisionError,
} from "@helix/nats-core";
import { ofKind, recordOperations, uniqueName } from "@helix/nats-testing/vitest";
import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPublisher } from "../src/index.js";
import { withStream } from "./helpers.js";

const url = inject("natsUrl");
let conn: Connection;

beforeAll(async () => {
  conn = await connect({ addresses: [url], name: "stream-int-publish" });
});
afterAll(async () => {
  await conn?.drain();
});

const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data);

describe("publish", () => {
  it("publishes bytes, strings and JSON, returning the PubAck; runs as a publish operation", async () => {
    await withStream(conn, "PUB", async (stream, name) => {
      const ops = recordOperations(conn, `record-${name}`);
      try {
        const publisher = createPublisher(conn);
        const a1 = await publisher.publish(`${name}.bytes`, new Uint8Array([1, 2, 3]));
        expect(a1).toEqual({ stream: name, seq: 1, duplicate: false });
        const a2 = await publisher.publish(`${name}.text`, "héllo");
        expect(a2.seq).toBe(2);
        const a3 = await publisher.publish(`${name}.json`, { id: 7, tags: ["a"] });
        expect(a3.seq).toBe(3);

        const bytes = await stream.getMsg(1);
        expect([...(bytes?.data ?? [])]).toEqual([1, 2, 3]);
        expect(getHeader(bytes?.headers, "Content-Type")).toBeUndefined();
        expect(text((await stream.getMsg(2))?.data)).toBe("héllo");
        const json = await stream.getMsg(3);
        expect(JSON.parse(text(json?.data))).toEqual({ id: 7, tags: ["a"] });
        expect(json?.headers?.get("Content-Type")).toBe("application/json");

        const publishes = ofKind(ops, "publish");
        expect(publishes).toHaveLength(3);
        const op = publishes[2];
        expect(op?.subject).toBe(`${name}.json`);
        expect(op?.async).toBe(false);
        expect(op?.attempt).toBe(1);
        expect(op?.ack).toEqual(a3);
        // retries are on by default, so a message ID was generated and sent
        expect(op?.msgID).toMatch(/^\w{22}$/);
        expect(op?.headers.get("Nats-Msg-Id")).toBe(op?.msgID);
        expect(json?.headers?.get("Nats-Msg-Id")).toBe(op?.msgID);
        expect(op?.client).toBe(conn.client);
      } finally {
        conn.middleware.remove(`record-${name}`);
      }
    });
  });

  it("de-duplicates by msgID: the second publish is acked as a duplicate of the first", async () => {
    await withStream(conn, "DUP", async (stream, name) => {
      const publisher = createPublisher(conn);
      const first = await publisher.publish(`${name}.x`, "a", { msgID: "order-1" });
      const second = await publisher.publish(`${name}.x`, "b", { msgID: "order-1" });
      expect(first.duplicate).toBe(false);
      expect(second).toEqual({ stream: name, seq: first.seq, duplicate: true });
      expect((await stream.info()).state.messages).toBe(1);
    });
  });

  it("never mutates the caller's headers; a middleware may change the sent ones", async () => {
    await withStream(conn, "HDR", async (stream, name) => {
      const mw = `mw-${name}`;
      conn.middleware.add(
        async (op, next) => {
          if (op.kind === "publish") op.headers.set("X-Middleware", "added");
          return next();
        },
        { name: mw },
      );
      try {
        const publisher = createPublisher(conn);
        const h = headers();
        h.set("X-Caller", "1");
        const record = { "X-Record": ["a", "b"] };
        await publisher.publish(`${name}.x`, { ok: true }, { headers: h, msgID: "hdr-1" });
        await publisher.publish(`${name}.y`, "r", { headers: record });
        expect([...h.keys()]).toEqual(["X-Caller"]);
        expect(record).toEqual({ "X-Record": ["a", "b"] });

        const stored = await stream.getMsg(1);
        expect(stored?.headers?.get("X-Caller")).toBe("1");
        expect(stored?.headers?.get("X-Middleware")).toBe("added");
        expect(stored?.headers?.get("Nats-Msg-Id")).toBe("hdr-1");
        const second = await stream.getMsg(2);
        expect(second?.headers?.values("X-Record")).toEqual(["a", "b"]);
      } finally {
        conn.middleware.remove(mw);
      }
    });
  });

  it("checks expectations: a wrong sequence is WrongRevisionError (10071) and is not retried", async () => {
    await withStream(conn, "EXP", async (_stream, name) => {
      const ops = recordOperations(conn, `record-${name}`);
      try {
        const publisher = createPublisher(conn, { retry: { attempts: 5, initialDelayMs: 10 } });
        await publisher.publish(`${name}.a`, "1", { expect: { lastSequence: 0, stream: name } });
        await publisher.publish(`${name}.a`, "2", { expect: { lastSequence: 1 }, msgID: "m2" });
        await publisher.publish(`${name}.b`, "3", {
          expect: { lastSubjectSequence: 0 },
          msgID: "m3",
        });
        await publisher.publish(`${name}.a`, "4", {
          expect: { lastSubjectSequence: 2, lastMsgID: "m3" },
        });

        const wrongSeq = await publisher
          .publish(`${name}.a`, "x", { expect: { lastSequence: 1 } })
          .catch((e: unknown) => e);
        expect(wrongSeq).toBeInstanceOf(WrongRevisionError);
        expect((wrongSeq as WrongRevisionError).apiCode).toBe(10071);
        expect((wrongSeq as WrongRevisionError).retryable).toBe(false);
        expect(ofKind(ops, "publish").at(-1)?.attempt).toBe(1);

        const wrongSubjectSeq = await publisher
          .publish(`${name}.b`, "x", { expect: { lastSubjectSequence: 1 } })
          .catch((e: unknown) => e);
        expect(wrongSubjectSeq).toBeInstanceOf(WrongRevisionError);
        expect(ofKind(ops, "publish").at(-1)?.attempt).toBe(1);

        const wrongStream = await publisher
          .publish(`${name}.a`, "x", { expect: { stream: "OTHER" } })
          .catch((e: unknown) => e);
        expect(wrongStream).toBeInstanceOf(JetStreamApiError);
        expect((wrongStream as JetStreamApiError).apiCode).toBe(10060);

        const wrongMsgID = await publisher
          .publish(`${name}.a`, "x", { expect: { lastMsgID: "nope" } })
          .catch((e: unknown) => e);
        expect(wrongMsgID).toBeInstanceOf(JetStreamApiError);
        expect((wrongMsgID as JetStreamApiError).apiCode).toBe(10070);
        expect(ofKind(ops, "publish").every((op) => op.attempt === 1)).toBe(true);
        expect(ofKind(ops, "publish").at(-1)?.headers.get("Nats-Expected-Last-Msg-Id")).toBe(
          "nope",
        );
      } finally {
        conn.middleware.remove(`record-${name}`);
      }
    });
  });

  it("fails fast with NotFoundError when no stream listens on the subject, naming the subject", async () => {
    const ops = recordOperations(conn, "record-nostream");
    try {
      const retries: number[] = [];
      // the default retry policy, observed
      const publisher = createPublisher(conn, {
        retry: { onRetry: (_e, attempt) => retries.push(attempt) },
      });
      const subject = `${uniqueName("nowhere")}.x`;
      for (const send of [
        () => publisher.publish(subject, "lost"),
        () => publisher.publishAsync(subject, "lost too").then((future) => future.ack),
      ]) {
        const err = await send().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(NotFoundError);
        expect(err).toMatchObject({
          what: "stream",
          resource: undefined,
          message: `publish: no stream listens on subject "${subject}"`,
        });
        expect((err as NotFoundError).cause).toMatchObject({ code: "JETSTREAM_UNAVAILABLE" });
      }
      expect(retries).toEqual([]);
      expect(ofKind(ops, "publish").map((op) => op.attempt)).toEqual([1, 1]);
    } finally {
      conn.middleware.remove("record-nostream");
    }
  });

  it("validates before any I/O and names the problem", async () => {
    const ops = recordOperations(conn, "record-validate");
    try {
      const publisher = createPublisher(conn);
      const maxPayload = conn.nats.info?.max_payload ?? 0;
      expect(maxPayload).toBeGreaterThan(0);
      const cases: [string, unknown, object, RegExp][] = [
        ["", "x", {}, /non-empty/],
        ["a..b", "x", {}, /empty token/],
        [".a", "x", {}, /empty token/],
        ["a.*", "x", {}, /wildcards/],
        ["a.>", "x", {}, /wildcards/],
        ["a b", "x", {}, /white space/],
        ["a.b", new Uint8Array(maxPayload + 1), {}, /max_payload/],
        // fits alone, but the server counts the headers (here the generated Nats-Msg-Id) too
        ["a.b", new Uint8Array(maxPayload), {}, /bytes of headers.*max_payload/],
        [
          "a.b",
          new Uint8Array(maxPayload - 40),
          { headers: { "X-Big": "x".repeat(64) } },
          /headers/,
        ],
        ["a.b", { n: 1n }, {}, /JSON/],
        ["a.b", () => 1, {}, /JSON/],
        ["a.b", new ArrayBuffer(4), {}, /Uint8Array/],
        ["a.b", new Float64Array([1]), {}, /Uint8Array/],
        ["a.b", "x", { msgID: "" }, /msgID/],
        ["a.b", "x", { headers: { "X-A": "a\r\nb" } }, /headers/],
        ["a.b", "x", { headers: { "bad name": "x" } }, /headers/],
        ["a.b", "x", { timeoutMs: 0 }, /timeoutMs/],
        ["a.b", "x", { expect: { lastSequence: -1 } }, /lastSequence/],
        ["a.b", "x", { expect: { stream: "a.b" } }, /stream/],
      ];
      for (const [subject, data, options, message] of cases) {
        const viaPublish = await publisher
          .publish(subject, data as string, options)
          .catch((e: unknown) => e);
        expect(viaPublish, subject).toBeInstanceOf(ValidationError);
        expect((viaPublish as Error).message).toMatch(message);
        const viaAsync = await publisher
          .publishAsync(subject, data as string, options)
          .catch((e: unknown) => e);
        expect(viaAsync).toBeInstanceOf(ValidationError);
      }
      expect(() => createPublisher(conn, { maxPending: 0 })).toThrow(ValidationError);
      expect(() => createPublisher(conn, { retry: { attempts: 0 } })).toThrow(ValidationError);
      expect(ops).toEqual([]);
      expect(publisher.pending).toBe(0);
    } finally {
      conn.middleware.remove("record-validate");
    }
  });

  it("sends no msgID when retries are off and none is given", async () => {
    await withStream(conn, "NORETRY", async (stream, name) => {
      const publisher = createPublisher(conn, { retry: false });
      await publisher.publish(`${name}.x`, "plain");
      expect((await stream.getMsg(1))?.headers).toBeUndefined();
      await publisher.publish(`${name}.x`, "with id", { msgID: "given" });
      expect((await stream.getMsg(2))?.headers?.get("Nats-Msg-Id")).toBe("given");
    });
  });

  it("honours an aborted signal: CancelledError, nothing sent", async () => {
    await withStream(conn, "ABORT", async (stream, name) => {
      const publisher = createPublisher(conn);
      const controller = new AbortController();
      controller.abort();
      const options = { signal: controller.signal };
      await expect(publisher.publish(`${name}.x`, "x", options)).rejects.toBeInstanceOf(
        CancelledError,
      );
      await expect(publisher.publishAsync(`${name}.x`, "x", options)).rejects.toBeInstanceOf(
        CancelledError,
      );
      expect((await stream.info()).state.messages).toBe(0);
      expect(publisher.pending).toBe(0);
    });
  });

  it("a closed connection fails publish and publishAsync with ConnectionError, not retried", async () => {
    const own = await connect({ addresses: [url], name: "stream-int-closed" });
    const retries: number[] = [];
    const publisher = createPublisher(own, {
      retry: { attempts: 5, initialDelayMs: 10, onRetry: (_e, attempt) => retries.push(attempt) },
    });
    expect(createPublisher(own).maxPending).toBe(4000);
    await own.close();

    const err = await publisher.publish("closed.x", "x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).retryable).toBe(false);
    // refused before it is queued (see connection-state.int.test.ts)
    await expect(publisher.publishAsync("closed.x", "y")).rejects.toBeInstanceOf(ConnectionError);
    expect(publisher.pending).toBe(0);
    expect(retries).toEqual([]);
  });

  it("a signal aborted while the ack or a retry is awaited settles the publish as CancelledError", async () => {
    // a plain subscriber takes the request and never answers: the ack is awaited until aborted
    const subject = `${uniqueName("sink")}.x`;
    const sink = conn.nats.subscribe(subject);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const publisher = createPublisher(conn, {
        timeoutMs: 60_000,
        maxPending: 8,
        retry: { attempts: 5, initialDelayMs: 10 },
      });
      const whileAcking = new AbortController();
      const sync = publisher.publish(subject, "1", { signal: whileAcking.signal });
      const future = await publisher.publishAsync(subject, "2", { signal: whileAcking.signal });
      expect(publisher.pending).toBe(1);
      whileAcking.abort();
      await expect(sync).rejects.toBeInstanceOf(CancelledError);
      await expect(future.ack).rejects.toBeInstanceOf(CancelledError);
      expect(publisher.pending).toBe(0);
      expect(await publisher.complete()).toMatchObject({ acked: 0, failed: 1 });

      // waiting between retries: the first try times out, the observer aborts during the backoff
      const whileWaiting = new AbortController();
      const retrying = createPublisher(conn, {
        timeoutMs: 100,
        retry: {
          attempts: 5,
          initialDelayMs: 60_000,
          maxDelayMs: 60_000,
          onRetry: () => whileWaiting.abort(),
        },
      });
      const retried = await retrying.publishAsync(subject, "3", { signal: whileWaiting.signal });
      const err = await retried.ack.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CancelledError);
      expect(await retrying.complete()).toMatchObject({ acked: 0, failed: 1 });
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      sink.unsubscribe();
    }
  });
});
