import { type Operation, UnsupportedFeatureError, ValidationError } from "@helix/nats-core";
import { versionAtLeast } from "@helix/nats-core/internal";
import { recordOperations, uniqueName, until } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it } from "vitest";
import { createPublisher, createStreamManager } from "../src/index.js";
import { connectForFile, withStream } from "./helpers.js";

const version = inject("natsServerVersion");
const connection = connectForFile("stream-int-sourcing-direct");
const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data);

describe.runIf(versionAtLeast(version, "2.10.0"))(
  "sources with subject transforms (server 2.10+)",
  () => {
    it("a stream sourcing another with a subject transform stores the messages under the new subjects", async () => {
      const conn = connection();
      const streams = createStreamManager(conn);
      await withStream(conn, "ORIGIN", async (_origin, origin) => {
        const publisher = createPublisher(conn);
        await publisher.publish(`${origin}.eu.order`, "1");
        await publisher.publish(`${origin}.us.order`, "2");
        const name = uniqueName("AGG");
        const agg = await streams.create({
          name,
          sources: [
            {
              name: origin,
              subject_transforms: [
                { src: `${origin}.*.order`, dest: `${name}.orders.{{wildcard(1)}}` },
              ],
            },
          ],
        });
        try {
          expect(agg.config.sources?.[0]?.subject_transforms).toEqual([
            { src: `${origin}.*.order`, dest: `${name}.orders.{{wildcard(1)}}` },
          ]);
          await until(async () => (await agg.info()).state.messages === 2, 10_000);
          const first = await agg.getMsg(1);
          const second = await agg.getMsg(2);
          expect([first?.subject, text(first?.data)]).toEqual([`${name}.orders.eu`, "1"]);
          expect([second?.subject, text(second?.data)]).toEqual([`${name}.orders.us`, "2"]);
        } finally {
          await streams.delete(name);
        }
      });
    });

    it("a mirror with subject transforms stores the mirrored messages under the new subjects", async () => {
      const conn = connection();
      const streams = createStreamManager(conn);
      await withStream(conn, "MIRRORED", async (_origin, origin) => {
        const publisher = createPublisher(conn);
        await publisher.publish(`${origin}.eu.order`, "1");
        await publisher.publish(`${origin}.us.order`, "2");
        const name = uniqueName("MIRROR");
        const transforms = [{ src: `${origin}.*.order`, dest: `${name}.orders.{{wildcard(1)}}` }];
        const mirror = await streams.create({
          name,
          mirror: { name: origin, subject_transforms: transforms },
        });
        try {
          expect(mirror.config.mirror?.subject_transforms).toEqual(transforms);
          await until(async () => (await mirror.info()).state.messages === 2, 10_000);
          const first = await mirror.getMsg(1);
          const second = await mirror.getMsg(2);
          expect([first?.subject, text(first?.data)]).toEqual([`${name}.orders.eu`, "1"]);
          expect([second?.subject, text(second?.data)]).toEqual([`${name}.orders.us`, "2"]);
        } finally {
          await streams.delete(name);
        }
      });
    });

    it("a stream's own subject_transform stores each message under the transformed subject", async () => {
      const conn = connection();
      const streams = createStreamManager(conn);
      const name = uniqueName("TRANSFORM");
      const transform = { src: `${name}.in.*`, dest: `${name}.stored.{{wildcard(1)}}` };
      const stream = await streams.create({
        name,
        subjects: [`${name}.in.*`],
        subject_transform: transform,
      });
      try {
        expect(stream.config.subject_transform).toEqual(transform);
        const publisher = createPublisher(conn);
        const a = await publisher.publish(`${name}.in.a`, "a");
        const b = await publisher.publish(`${name}.in.b`, "b");
        expect([a.stream, a.seq, b.seq]).toEqual([name, 1, 2]);
        const first = await stream.getMsg(1);
        const second = await stream.getMsg(2);
        expect([first?.subject, text(first?.data)]).toEqual([`${name}.stored.a`, "a"]);
        expect([second?.subject, text(second?.data)]).toEqual([`${name}.stored.b`, "b"]);
        expect((await stream.getLastMsgForSubject(`${name}.stored.b`))?.seq).toBe(2);
      } finally {
        await streams.delete(name);
      }
    });
  },
);

describe.runIf(!versionAtLeast(version, "2.10.0"))("subject transforms (before 2.10)", () => {
  it("are refused before any I/O, on a source or a mirror: an older server would copy the messages untransformed", async () => {
    const conn = connection();
    const streams = createStreamManager(conn);
    const name = uniqueName("AGGOLD");
    const ops = recordOperations(conn, `record-${name}`) as Operation[];
    try {
      const create = streams.create({
        name,
        sources: [{ name: "ORIGIN", subject_transforms: [{ src: "a.>", dest: "b.>" }] }],
      });
      await expect(create).rejects.toBeInstanceOf(UnsupportedFeatureError);
      await expect(create).rejects.toMatchObject({
        feature: "subject transforms",
        requires: "2.10.0",
        serverVersion: version,
      });
      const mirror = streams.create({
        name: `${name}_M`,
        mirror: { name: "ORIGIN", subject_transforms: [{ src: "a.>", dest: "b.>" }] },
      });
      await expect(mirror).rejects.toBeInstanceOf(UnsupportedFeatureError);
      await expect(mirror).rejects.toMatchObject({
        feature: "subject transforms",
        requires: "2.10.0",
        serverVersion: version,
      });
      expect(ops).toEqual([]);
    } finally {
      conn.middleware.remove(`record-${name}`);
    }
  });
});

describe.runIf(versionAtLeast(version, "2.11.0"))(
  "getBatch: batch direct get (server 2.11+)",
  () => {
    it("reads up to `batch` messages from a sequence or a time, optionally on one subject, as one stream.getBatch", async () => {
      const conn = connection();
      const streams = createStreamManager(conn);
      const name = uniqueName("DIRECT");
      const stream = await streams.create({ name, subjects: [`${name}.>`], allow_direct: true });
      const ops = recordOperations(conn, `record-${name}`) as Operation[];
      try {
        const publisher = createPublisher(conn);
        for (let i = 1; i <= 5; i++) {
          await publisher.publish(`${name}.${i % 2 === 0 ? "even" : "odd"}`, `m${i}`, {
            headers: { "X-N": String(i) },
          });
        }
        ops.length = 0;
        const three = await stream.getBatch({ seq: 2, batch: 3 });
        expect(three.map((m) => [m.seq, m.subject, text(m.data)])).toEqual([
          [2, `${name}.even`, "m2"],
          [3, `${name}.odd`, "m3"],
          [4, `${name}.even`, "m4"],
        ]);
        // only the message's own headers, not the direct get's metadata
        expect(Array.from(three[0]?.headers?.keys() ?? [])).toEqual(["X-N", "Nats-Msg-Id"]);
        expect(three[0]?.time).toBeInstanceOf(Date);
        expect(ops).toMatchObject([{ kind: "stream.getBatch", stream: name, seq: 2, count: 3 }]);

        const odd = await stream.getBatch({ subject: `${name}.odd` });
        expect(odd.map((m) => m.seq)).toEqual([1, 3, 5]);
        // from a time: the first message stored at or after it (dates have whole milliseconds)
        const fromTime = await stream.getBatch({ startTime: new Date(0), batch: 2 });
        expect(fromTime.map((m) => m.seq)).toEqual([1, 2]);
        expect(await stream.getBatch({ startTime: new Date(Date.now() + 60_000) })).toEqual([]);
        expect(await stream.getBatch({ seq: 6 })).toEqual([]);

        ops.length = 0;
        await expect(stream.getBatch({ seq: 1, startTime: new Date() })).rejects.toBeInstanceOf(
          ValidationError,
        );
        await expect(stream.getBatch({ batch: 0 })).rejects.toMatchObject({ field: "batch" });
        expect(ops).toEqual([]);
      } finally {
        conn.middleware.remove(`record-${name}`);
        await streams.delete(name);
      }
      // a stream without allow_direct: refused by its config, before any I/O
      await withStream(conn, "NODIRECT", async (plain) => {
        await expect(plain.getBatch()).rejects.toMatchObject({
          name: "ValidationError",
          field: "allow_direct",
        });
      });
    });
  },
);

describe.runIf(!versionAtLeast(version, "2.11.0"))("getBatch (before 2.11)", () => {
  it("is refused before any I/O", async () => {
    const conn = connection();
    const streams = createStreamManager(conn);
    const name = uniqueName("DIRECTOLD");
    const stream = await streams.create({ name, subjects: [`${name}.>`], allow_direct: true });
    const ops = recordOperations(conn, `record-${name}`) as Operation[];
    try {
      await expect(stream.getBatch({ seq: 1 })).rejects.toMatchObject({
        name: "UnsupportedFeatureError",
        feature: "batch direct get",
        requires: "2.11.0",
        serverVersion: version,
      });
      expect(ops).toEqual([]);
    } finally {
      conn.middleware.remove(`record-${name}`);
      await streams.delete(name);
    }
  });
});
