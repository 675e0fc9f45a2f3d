import { type Operation, UnsupportedFeatureError, ValidationError } from "@helix/nats-core";
import { versionAtLeast } from "@helix/nats-core/internal";
import { recordOperations, uniqueName, until } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it } from "vitest";
import { createPublisher, createStreamManager } from "../src/index.js";
import { connectForFile, withStream } from "./helpers.js";

const version = inject("natsServerVersion");
const connection = connectForFile("stream-int-message-ttl");

describe.runIf(versionAtLeast(version, "2.11.0"))("per-message TTL (server 2.11+)", () => {
  it("removes a message published with ttlMs once it expires; the others stay", async () => {
    const conn = connection();
    const streams = createStreamManager(conn);
    const name = uniqueName("MSGTTL");
    const stream = await streams.create({ name, subjects: [`${name}.>`], allow_msg_ttl: true });
    const ops = recordOperations(conn, `record-${name}`) as Operation[];
    try {
      expect(stream.config.allow_msg_ttl).toBe(true);
      const publisher = createPublisher(conn);
      const short = await publisher.publish(`${name}.short`, "short", { ttlMs: 1000 });
      const kept = await publisher.publish(`${name}.kept`, "kept");
      const future = await publisher.publishAsync(`${name}.forever`, "forever", {
        ttlMs: "never",
      });
      const forever = await future.ack;
      expect([short.seq, kept.seq, forever.seq]).toEqual([1, 2, 3]);
      const published = ops.filter((op) => op.kind === "publish");
      expect(published.map((op) => [op.subject, op.ttlMs, op.async])).toEqual([
        [`${name}.short`, 1000, false],
        [`${name}.kept`, undefined, false],
        [`${name}.forever`, "never", true],
      ]);

      const jsm = await conn.manager();
      const before = await jsm.streams.getMessage(name, { seq: short.seq });
      expect(before?.subject).toBe(`${name}.short`);
      expect(before?.header.get("Nats-TTL")).toBe("1s");
      expect((await jsm.streams.info(name)).state.messages).toBe(3);

      await until(
        async () => (await jsm.streams.getMessage(name, { seq: short.seq })) === null,
        30_000,
        "the message with ttlMs 1000 expired",
      );

      expect(await jsm.streams.getMessage(name, { seq: short.seq })).toBeNull();
      const keptAfter = await jsm.streams.getMessage(name, { seq: kept.seq });
      expect([keptAfter?.subject, keptAfter?.string()]).toEqual([`${name}.kept`, "kept"]);
      const foreverAfter = await jsm.streams.getMessage(name, { seq: forever.seq });
      expect([foreverAfter?.string(), foreverAfter?.header.get("Nats-TTL")]).toEqual([
        "forever",
        "never",
      ]);
      const state = (await jsm.streams.info(name)).state;
      expect([state.messages, state.first_seq, state.last_seq]).toEqual([2, 2, 3]);
    } finally {
      conn.middleware.remove(`record-${name}`);
      await streams.delete(name);
    }
  });

  it("refuses a bad ttlMs with ValidationError before any I/O: nothing sent, nothing stored", async () => {
    const conn = connection();
    const streams = createStreamManager(conn);
    const name = uniqueName("MSGTTLBAD");
    const stream = await streams.create({ name, subjects: [`${name}.>`], allow_msg_ttl: true });
    const ops = recordOperations(conn, `record-${name}`) as Operation[];
    try {
      const publisher = createPublisher(conn);
      const bad: unknown[] = [1500, 999, 0, -1000, Number.NaN, Number.POSITIVE_INFINITY, "5s"];
      for (const ttlMs of bad) {
        const refused = publisher.publish(`${name}.a`, "x", { ttlMs: ttlMs as number });
        await expect(refused).rejects.toBeInstanceOf(ValidationError);
        await expect(refused).rejects.toMatchObject({ field: "ttlMs", value: ttlMs });
      }
      await expect(publisher.publishAsync(`${name}.a`, "x", { ttlMs: 1500 })).rejects.toMatchObject(
        { name: "ValidationError", field: "ttlMs", value: 1500 },
      );
      expect(ops).toEqual([]);
      expect(publisher.pending).toBe(0);
      expect((await stream.info()).state.messages).toBe(0);
    } finally {
      conn.middleware.remove(`record-${name}`);
      await streams.delete(name);
    }
  });

  it("is refused by the server on a stream without allow_msg_ttl, and not stored", async () => {
    const conn = connection();
    await withStream(conn, "MSGTTLOFF", async (stream, name) => {
      await expect(
        createPublisher(conn).publish(`${name}.a`, "x", { ttlMs: 1000 }),
      ).rejects.toMatchObject({
        name: "JetStreamApiError",
        apiCode: 10166,
        message: "publish: per-message TTL is disabled",
      });
      expect((await stream.info()).state.messages).toBe(0);
    });
  });
});

describe.runIf(!versionAtLeast(version, "2.11.0"))("per-message TTL (before 2.11)", () => {
  const message = `per-message TTL needs nats-server 2.11.0 or newer; the server is ${version}`;

  it("refuses allow_msg_ttl on create and update before any I/O", async () => {
    const conn = connection();
    const streams = createStreamManager(conn);
    await withStream(conn, "MSGTTLOLD", async (stream, name) => {
      const ops = recordOperations(conn, `record-${name}`) as Operation[];
      try {
        const create = streams.create({ name: `${name}_B`, allow_msg_ttl: true });
        await expect(create).rejects.toBeInstanceOf(UnsupportedFeatureError);
        await expect(create).rejects.toMatchObject({
          message,
          code: "UNSUPPORTED",
          feature: "per-message TTL",
          requires: "2.11.0",
          serverVersion: version,
        });
        await expect(streams.update({ name, allow_msg_ttl: true })).rejects.toMatchObject({
          name: "UnsupportedFeatureError",
          message,
        });
        expect(ops).toEqual([]);
        expect((await stream.info()).config.allow_msg_ttl).not.toBe(true);
      } finally {
        conn.middleware.remove(`record-${name}`);
      }
    });
  });

  it("refuses a publish with ttlMs before any I/O; one without it is stored", async () => {
    const conn = connection();
    await withStream(conn, "MSGTTLPUB", async (stream, name) => {
      const publisher = createPublisher(conn);
      const ops = recordOperations(conn, `record-${name}`) as Operation[];
      try {
        await expect(publisher.publish(`${name}.a`, "x", { ttlMs: 1000 })).rejects.toMatchObject({
          name: "UnsupportedFeatureError",
          message,
        });
        await expect(
          publisher.publishAsync(`${name}.a`, "x", { ttlMs: "never" }),
        ).rejects.toBeInstanceOf(UnsupportedFeatureError);
        expect(ops).toEqual([]);
        expect(publisher.pending).toBe(0);
        expect((await stream.info()).state.messages).toBe(0);
        expect((await publisher.publish(`${name}.a`, "x")).seq).toBe(1);
      } finally {
        conn.middleware.remove(`record-${name}`);
      }
    });
  });
});
