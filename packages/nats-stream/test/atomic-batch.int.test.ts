import {
  CancelledError,
  connect,
  type Operation,
  UnsupportedFeatureError,
  ValidationError,
} from "@helix/nats-core";
import { versionAtLeast } from "@helix/nats-core/internal";
import { recordOperations, uniqueName } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it } from "vitest";
import { BatchPublishError, createPublisher, createStreamManager } from "../src/index.js";
import { connectForFile, withStream } from "./helpers.js";

const version = inject("natsServerVersion");
const connection = connectForFile("stream-int-atomic-batch");
const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data);

describe.runIf(versionAtLeast(version, "2.12.0"))("atomic batch publish (server 2.12+)", () => {
  it("stores every message of a committed batch, with one ack and one publish.batch operation", async () => {
    const conn = connection();
    const streams = createStreamManager(conn);
    const name = uniqueName("BATCH");
    const stream = await streams.create({ name, subjects: [`${name}.>`], allow_atomic: true });
    const ops = recordOperations(conn, `record-${name}`) as Operation[];
    try {
      expect(stream.config.allow_atomic).toBe(true);
      const publisher = createPublisher(conn);
      const batch = publisher
        .batch()
        .add(`${name}.orders`, { id: 1 })
        .add(`${name}.orders`, "two", { msgID: "m-2" })
        .add(`${name}.audit`, new Uint8Array([3]), { headers: { "X-Trace": "t" } });
      expect(batch.size).toBe(3);
      const ack = await batch.commit();
      expect(ack).toEqual({
        stream: name,
        seq: 3,
        duplicate: false,
        count: 3,
        batchId: expect.stringMatching(/^\w{22}$/),
      });
      expect(ops.map((op) => op.kind)).toEqual(["publish.batch"]);
      expect((await stream.info()).state.messages).toBe(3);
      expect(text((await stream.getMsg(1))?.data)).toBe('{"id":1}');
      expect(text((await stream.getMsg(2))?.data)).toBe("two");
      const third = await stream.getMsg(3);
      expect(third?.subject).toBe(`${name}.audit`);
      expect(third?.headers?.get("X-Trace")).toBe("t");

      const op = ops[0] as Extract<Operation, { kind: "publish.batch" }>;
      expect(op.batchId).toBe(ack.batchId);
      expect(op.ack).toEqual(ack);
      expect(op.messages.map((m) => [m.subject, m.msgID])).toEqual([
        [`${name}.orders`, undefined],
        [`${name}.orders`, "m-2"],
        [`${name}.audit`, undefined],
      ]);
      // the batch headers, set by the terminal after the middlewares ran
      expect(op.messages.map((m) => m.headers.get("Nats-Batch-Sequence"))).toEqual(["1", "2", "3"]);
      expect(op.messages.map((m) => m.headers.get("Nats-Batch-Commit"))).toEqual(["", "", "1"]);
      expect(new Set(op.messages.map((m) => m.headers.get("Nats-Batch-Id")))).toEqual(
        new Set([ack.batchId]),
      );
      // a one-message batch is its own commit
      const one = await publisher.batch().add(`${name}.orders`, "solo").commit();
      expect(one).toMatchObject({ stream: name, seq: 4, count: 1 });
      expect(publisher.pending).toBe(0);
    } finally {
      conn.middleware.remove(`record-${name}`);
      await streams.delete(name);
    }
  });

  it("a batch the server refuses stores nothing and rejects with BatchPublishError", async () => {
    const conn = connection();
    const streams = createStreamManager(conn);
    const name = uniqueName("BATCHFAIL");
    const stream = await streams.create({ name, subjects: [`${name}.>`], allow_atomic: true });
    try {
      const publisher = createPublisher(conn);
      await publisher.publish(`${name}.a`, "before");
      // the third message expects a last sequence the stream does not have: nothing is stored
      const failed = publisher
        .batch()
        .add(`${name}.a`, 1)
        .add(`${name}.a`, 2)
        .add(`${name}.a`, 3, { expect: { lastSequence: 99 } })
        .commit();
      await expect(failed).rejects.toBeInstanceOf(BatchPublishError);
      const error = (await failed.catch((e: unknown) => e)) as BatchPublishError;
      expect(error).toMatchObject({
        name: "BatchPublishError",
        code: "JETSTREAM_API",
        size: 3,
        apiCode: 10071,
        batchId: expect.stringMatching(/^\w{22}$/),
      });
      expect(error.message).toMatch(
        /^publish\.batch: the server refused the batch of 3 messages, nothing was stored: /,
      );
      expect(error.cause).toMatchObject({ name: "WrongRevisionError", apiCode: 10071 });
      expect((await stream.info()).state.messages).toBe(1);
    } finally {
      await streams.delete(name);
    }
    // a stream created without allow_atomic refuses the first message, and stores nothing
    await withStream(conn, "BATCHOFF", async (plain, plainName) => {
      const publisher = createPublisher(conn);
      const refused = publisher.batch().add(`${plainName}.a`, 1).add(`${plainName}.a`, 2).commit();
      await expect(refused).rejects.toMatchObject({
        name: "BatchPublishError",
        apiCode: 10174,
        size: 2,
        message:
          "publish.batch: the server refused the batch of 2 messages, nothing was stored: atomic publish is disabled",
      });
      expect((await plain.info()).state.messages).toBe(0);
    });
  });

  it("conn.drain() waits for a batch being committed; a closed connection refuses a commit before sending", async () => {
    const streams = createStreamManager(connection());
    const name = uniqueName("BATCHDRAIN");
    const stream = await streams.create({ name, subjects: [`${name}.>`], allow_atomic: true });
    const own = await connect({ addresses: [inject("natsUrl")], name: "stream-int-batch-drain" });
    try {
      const publisher = createPublisher(own);
      const committing = publisher.batch().add(`${name}.a`, 1).add(`${name}.a`, 2).commit();
      await own.drain();
      await expect(committing).resolves.toMatchObject({ stream: name, seq: 2, count: 2 });
      const ops: Operation[] = [];
      own.middleware.add(
        (op, next) => {
          ops.push(op);
          return next();
        },
        { name: "record" },
      );
      // the closed client reports no version any more: refused as closed, inside the stack
      await expect(publisher.batch().add(`${name}.a`, 3).commit()).rejects.toMatchObject({
        name: "ConnectionError",
        code: "CONNECTION_CLOSED",
      });
      await expect(
        publisher.schedule(`${name}.s`, 1, { delayMs: 1, target: `${name}.a` }),
      ).rejects.toMatchObject({ name: "ConnectionError", code: "CONNECTION_CLOSED" });
      await expect(publisher.increment(`${name}.c`, 1)).rejects.toMatchObject({
        name: "ConnectionError",
        code: "CONNECTION_CLOSED",
      });
      await expect(publisher.publish(`${name}.t`, 1, { ttlMs: 1000 })).rejects.toMatchObject({
        name: "ConnectionError",
        code: "CONNECTION_CLOSED",
      });
      expect(ops.map((op) => op.kind)).toEqual(["publish.batch", "publish", "publish", "publish"]);
      expect((await stream.info()).state.messages).toBe(2);
    } finally {
      if (!own.isClosed) await own.close();
      await streams.delete(name);
    }
  });

  it("checks the batch before any I/O: empty, too many messages, unsupported options", async () => {
    const conn = connection();
    await withStream(conn, "BATCHBAD", async (stream, name) => {
      const publisher = createPublisher(conn);
      const ops = recordOperations(conn, `record-${name}`) as Operation[];
      try {
        await expect(publisher.batch().commit()).rejects.toMatchObject({
          name: "ValidationError",
          field: "batch",
          message: "an atomic batch needs at least one message: add() messages before commit()",
        });
        const full = publisher.batch();
        for (let i = 0; i < 1000; i++) full.add(`${name}.a`, i);
        expect(() => full.add(`${name}.a`, 1000)).toThrow(
          "an atomic batch holds at most 1000 messages (the server's limit); commit this one and start another",
        );
        expect(full.size).toBe(1000);
        expect(() =>
          publisher.batch().add(`${name}.a`, 1, { expect: { lastMsgID: "x" } } as never),
        ).toThrow(/expect\.lastMsgID is refused inside an atomic batch/);
        expect(() => publisher.batch().add(`${name}.*`, 1)).toThrow(ValidationError);
        const batch = publisher.batch().add(`${name}.a`, 1);
        await expect(batch.commit({ timeoutMs: -1 })).rejects.toBeInstanceOf(ValidationError);
        expect(ops).toEqual([]);
        // cancelled before the send: the middleware sees it, nothing is stored
        const aborted = AbortSignal.abort();
        await expect(
          publisher.batch().add(`${name}.a`, 1).commit({ signal: aborted }),
        ).rejects.toBeInstanceOf(CancelledError);
        expect(ops.map((op) => op.kind)).toEqual(["publish.batch"]);
        expect((await stream.info()).state.messages).toBe(0);
      } finally {
        conn.middleware.remove(`record-${name}`);
      }
    });
  });
});

describe.runIf(!versionAtLeast(version, "2.12.0"))("atomic batch publish (before 2.12)", () => {
  const message = `atomic batch publish needs nats-server 2.12.0 or newer; the server is ${version}`;

  it("refuses allow_atomic and batch() before any I/O", async () => {
    const conn = connection();
    const streams = createStreamManager(conn);
    await withStream(conn, "BATCHOLD", async (stream, name) => {
      const publisher = createPublisher(conn);
      const ops = recordOperations(conn, `record-${name}`) as Operation[];
      try {
        const create = streams.create({ name: `${name}_B`, allow_atomic: true });
        await expect(create).rejects.toBeInstanceOf(UnsupportedFeatureError);
        await expect(create).rejects.toMatchObject({
          message,
          code: "UNSUPPORTED",
          feature: "atomic batch publish",
          requires: "2.12.0",
          serverVersion: version,
        });
        expect(() => publisher.batch()).toThrow(UnsupportedFeatureError);
        expect(() => publisher.batch()).toThrow(message);
        expect(ops).toEqual([]);
        expect((await stream.info()).state.messages).toBe(0);
      } finally {
        conn.middleware.remove(`record-${name}`);
      }
    });
  });
});
