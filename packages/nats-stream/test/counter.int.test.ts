import { type Operation, UnsupportedFeatureError, ValidationError } from "@helix/nats-core";
import { versionAtLeast } from "@helix/nats-core/internal";
import { recordOperations, uniqueName } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it } from "vitest";
import { createPublisher, createStreamManager } from "../src/index.js";
import { connectForFile, withStream } from "./helpers.js";

const version = inject("natsServerVersion");
const connection = connectForFile("stream-int-counter");

describe.runIf(versionAtLeast(version, "2.12.0"))("counters (server 2.12+)", () => {
  it("increments by 5, -2 and 10n to totals 5n, 3n and 13n, read back with getCounter", async () => {
    const conn = connection();
    const streams = createStreamManager(conn);
    const name = uniqueName("COUNTER");
    const stream = await streams.create({
      name,
      subjects: [`${name}.>`],
      allow_msg_counter: true,
    });
    const ops = recordOperations(conn, `record-${name}`) as Operation[];
    try {
      expect(stream.config.allow_msg_counter).toBe(true);
      const publisher = createPublisher(conn);
      const subject = `${name}.hits`;
      expect(await stream.getCounter(subject)).toBeNull();
      expect(await publisher.increment(subject, 5)).toBe(5n);
      expect(await publisher.increment(subject, -2)).toBe(3n);
      expect(await publisher.increment(subject, 10n)).toBe(13n);
      // another subject is another counter
      expect(await publisher.increment(`${name}.other`, 7)).toBe(7n);
      expect(await stream.getCounter(subject)).toBe(13n);
      expect(await stream.getCounter(`${name}.other`)).toBe(7n);

      const increments = ops.filter((op) => op.kind === "publish");
      expect(increments.map((op) => [op.subject, op.increment, op.counterTotal])).toEqual([
        [subject, "5", "5"],
        [subject, "-2", "3"],
        [subject, "10", "13"],
        [`${name}.other`, "7", "7"],
      ]);
      // what the server stores: an empty-bodied increment becomes {"val":"<total>"}
      const last = await stream.getLastMsgForSubject(subject);
      expect(new TextDecoder().decode(last?.data)).toBe('{"val":"13"}');
      expect(last?.headers?.get("Nats-Incr")).toBe("10");
      expect((await stream.info()).state.messages).toBe(4);
    } finally {
      conn.middleware.remove(`record-${name}`);
      await streams.delete(name);
    }
  });

  it("increments past 2^53: 2n ** 60n twice totals 2n ** 61n exactly, read back with getCounter", async () => {
    const conn = connection();
    const streams = createStreamManager(conn);
    const name = uniqueName("COUNTERBIG");
    const stream = await streams.create({
      name,
      subjects: [`${name}.>`],
      allow_msg_counter: true,
    });
    const ops = recordOperations(conn, `record-${name}`) as Operation[];
    try {
      const publisher = createPublisher(conn);
      const subject = `${name}.big`;
      expect(await publisher.increment(subject, 2n ** 60n)).toBe(1152921504606846976n);
      expect(await publisher.increment(subject, 2n ** 60n)).toBe(2305843009213693952n);
      expect(await stream.getCounter(subject)).toBe(2n ** 61n);
      const increments = ops.filter((op) => op.kind === "publish");
      expect(increments.map((op) => [op.increment, op.counterTotal])).toEqual([
        ["1152921504606846976", "1152921504606846976"],
        ["1152921504606846976", "2305843009213693952"],
      ]);
      const last = await stream.getLastMsgForSubject(subject);
      expect(new TextDecoder().decode(last?.data)).toBe('{"val":"2305843009213693952"}');
    } finally {
      conn.middleware.remove(`record-${name}`);
      await streams.delete(name);
    }
  });

  it("checks the increment before any I/O", async () => {
    const conn = connection();
    await withStream(conn, "COUNTERBAD", async (stream, name) => {
      const publisher = createPublisher(conn);
      const ops = recordOperations(conn, `record-${name}`) as Operation[];
      try {
        const bad = publisher.increment(`${name}.c`, 1.5);
        await expect(bad).rejects.toBeInstanceOf(ValidationError);
        await expect(bad).rejects.toMatchObject({
          message: "increment must be a safe integer (a number) or a bigint, got 1.5",
        });
        await expect(publisher.increment(`${name}.*`, 1)).rejects.toMatchObject({
          name: "ValidationError",
          field: "subject",
        });
        expect(ops).toEqual([]);
        expect((await stream.info()).state.messages).toBe(0);
        // a stream without allow_msg_counter: the server refuses the increment, not retried
        await expect(publisher.increment(`${name}.c`, 1)).rejects.toMatchObject({
          name: "JetStreamApiError",
          apiCode: 10168,
          message: "publish: message counters is disabled",
        });
        expect((await stream.info()).state.messages).toBe(0);
      } finally {
        conn.middleware.remove(`record-${name}`);
      }
    });
  });
});

describe.runIf(!versionAtLeast(version, "2.12.0"))("counters (before 2.12)", () => {
  const message = `message counters needs nats-server 2.12.0 or newer; the server is ${version}`;

  it("refuses allow_msg_counter, increment and getCounter before any I/O", async () => {
    const conn = connection();
    const streams = createStreamManager(conn);
    await withStream(conn, "COUNTEROLD", async (stream, name) => {
      const publisher = createPublisher(conn);
      const ops = recordOperations(conn, `record-${name}`) as Operation[];
      try {
        const create = streams.create({ name: `${name}_B`, allow_msg_counter: true });
        await expect(create).rejects.toBeInstanceOf(UnsupportedFeatureError);
        await expect(create).rejects.toMatchObject({
          message,
          code: "UNSUPPORTED",
          feature: "message counters",
          requires: "2.12.0",
          serverVersion: version,
        });
        await expect(publisher.increment(`${name}.c`, 5)).rejects.toMatchObject({
          name: "UnsupportedFeatureError",
          message,
        });
        await expect(stream.getCounter(`${name}.c`)).rejects.toMatchObject({
          name: "UnsupportedFeatureError",
          message,
        });
        expect(ops).toEqual([]);
        expect(publisher.pending).toBe(0);
        expect((await stream.info()).state.messages).toBe(0);
      } finally {
        conn.middleware.remove(`record-${name}`);
      }
    });
  });
});
