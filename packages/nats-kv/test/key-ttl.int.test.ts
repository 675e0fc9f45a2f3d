import {
  type Connection,
  KeyExistsError,
  UnsupportedFeatureError,
  ValidationError,
} from "@helix/nats-core";
import { versionAtLeast } from "@helix/nats-core/internal";
import { uniqueName, until } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it } from "vitest";
import type { KeyValue, KeyValueEntry, KeyValueWatchEntry } from "../src/index.js";
import { kvSuite, spyOnWrites } from "./helpers.js";

const url = inject("natsUrl");
const version = inject("natsServerVersion");
const modern = versionAtLeast(version, "2.11.0");

/** The fields of an entry these tests compare (`created` is the server's clock). */
const shape = (e: KeyValueEntry) => ({
  key: e.key,
  revision: e.revision,
  operation: e.operation,
  markerReason: e.markerReason,
  value: e.string(),
});

/** The `Nats-TTL` header of the stored message of `revision` in the bucket's stream. */
async function storedTtl(conn: Connection, kv: KeyValue, revision: number) {
  const msg = await (await conn.manager()).streams.getMessage(`KV_${kv.bucket}`, { seq: revision });
  return msg?.header.get("Nats-TTL");
}

describe.runIf(modern)("KeyValue per-key TTL and limit markers (server 2.11+)", () => {
  const suite = kvSuite(url);

  it("creates a bucket with limit markers: allow_msg_ttl and subject_delete_marker_ttl", async () => {
    const bucket = uniqueName("lm");
    const kv = await suite.kvm.create({ bucket, limitMarkerTtlMs: 60_000 });
    expect((await kv.status()).limitMarkerTtlMs).toBe(60_000);
    const info = await (await suite.conn.manager()).streams.info(`KV_${bucket}`);
    expect([info.config.allow_msg_ttl, info.config.subject_delete_marker_ttl]).toEqual([
      true,
      60_000_000_000,
    ]);
    // opened again with the same setting: the same bucket; with another: refused
    expect((await suite.kvm.create({ bucket, limitMarkerTtlMs: 60_000 })).bucket).toBe(bucket);
    await expect(suite.kvm.create({ bucket, limitMarkerTtlMs: 5_000 })).rejects.toMatchObject({
      name: "JetStreamApiError",
      message: `kv.bucket.create: bucket "${bucket}" already exists with other settings (limitMarkerTtlMs: wanted 5000, has 60000)`,
    });
    expect((await (await suite.kvm.get(bucket)).status()).limitMarkerTtlMs).toBe(60_000);
  });

  it("a key put with ttlMs 1000 expires: watch and history show the server's marker, get and keys leave it out", async () => {
    const kv = await suite.kvm.create({ bucket: uniqueName("lmput"), limitMarkerTtlMs: 60_000 });
    const watcher = await kv.watchAll();
    const seen: KeyValueWatchEntry[] = [];
    const reading = (async () => {
      for await (const e of watcher) seen.push(e);
    })();
    try {
      const from = suite.ops.length;
      expect(await kv.put("short", "brief", { ttlMs: 1000 })).toBe(1);
      expect(await kv.put("kept", "stays")).toBe(2);
      expect(await kv.put("forever", "always", { ttlMs: "never" })).toBe(3);
      expect(suite.ops.slice(from)).toEqual([
        { kind: "kv.put", bucket: kv.bucket, key: "short", revision: 1, error: undefined },
        { kind: "kv.put", bucket: kv.bucket, key: "kept", revision: 2, error: undefined },
        { kind: "kv.put", bucket: kv.bucket, key: "forever", revision: 3, error: undefined },
      ]);
      expect(await storedTtl(suite.conn, kv, 1)).toBe("1s");
      expect(await storedTtl(suite.conn, kv, 3)).toBe("never");

      await until(
        () => seen.length === 4,
        30_000,
        "the marker of the expired key reached the watch",
      );
      expect(seen.map((e) => [shape(e), e.isUpdate])).toEqual([
        [
          { key: "short", revision: 1, operation: "PUT", markerReason: undefined, value: "brief" },
          true,
        ],
        [
          { key: "kept", revision: 2, operation: "PUT", markerReason: undefined, value: "stays" },
          true,
        ],
        [
          {
            key: "forever",
            revision: 3,
            operation: "PUT",
            markerReason: undefined,
            value: "always",
          },
          true,
        ],
        [
          { key: "short", revision: 4, operation: "PURGE", markerReason: "MaxAge", value: "" },
          true,
        ],
      ]);
      expect(seen[3]?.value).toEqual(new Uint8Array(0));

      expect(await kv.get("short")).toBeNull();
      expect(await kv.getRevision("short", 4)).toBeNull();
      expect((await kv.history("short")).map(shape)).toEqual([
        { key: "short", revision: 4, operation: "PURGE", markerReason: "MaxAge", value: "" },
      ]);
      expect((await kv.keys()).sort()).toEqual(["forever", "kept"]);
      expect(await kv.keys("short")).toEqual([]);
      expect((await kv.get("kept"))?.string()).toBe("stays");
      // the server's marker carries the bucket's marker TTL
      expect(await storedTtl(suite.conn, kv, 4)).toBe("1m0s");

      // a new watch sees the marker among its initial values (ignoreDeletes skips it)
      const again = await kv.watch("short");
      const first = await again[Symbol.asyncIterator]().next();
      expect([first.value && shape(first.value), first.value?.isUpdate]).toEqual([
        { key: "short", revision: 4, operation: "PURGE", markerReason: "MaxAge", value: "" },
        false,
      ]);
      again.stop();
      const quiet = await kv.watch("short", { ignoreDeletes: true });
      await quiet.initialized;
      expect(quiet.initialCount).toBe(1);
      quiet.stop();
      const rest: KeyValueWatchEntry[] = [];
      for await (const e of quiet) rest.push(e);
      expect(rest).toEqual([]);
    } finally {
      watcher.stop();
      await reading;
    }
  });

  it("create with ttlMs: the key exists until it expires, then create writes over the marker", async () => {
    const kv = await suite.kvm.create({ bucket: uniqueName("lmcreate"), limitMarkerTtlMs: 60_000 });
    expect(await kv.create("lock", "owner-1", { ttlMs: 1000 })).toBe(1);
    expect(await storedTtl(suite.conn, kv, 1)).toBe("1s");
    await expect(kv.create("lock", "owner-2")).rejects.toBeInstanceOf(KeyExistsError);

    await until(async () => (await kv.get("lock")) === null, 30_000, "the lock expired");
    expect((await kv.history("lock")).map(shape)).toEqual([
      { key: "lock", revision: 2, operation: "PURGE", markerReason: "MaxAge", value: "" },
    ]);
    const from = suite.ops.length;
    expect(await kv.create("lock", "owner-2", { ttlMs: 5000 })).toBe(3);
    expect(suite.ops.slice(from)).toEqual([
      { kind: "kv.create", bucket: kv.bucket, key: "lock", revision: 3, error: undefined },
    ]);
    expect(await storedTtl(suite.conn, kv, 3)).toBe("5s");
    expect((await kv.get("lock"))?.string()).toBe("owner-2");
  });

  it("purge with ttlMs: the purge marker shows until it expires, then the key leaves no trace", async () => {
    const kv = await suite.kvm.create({
      bucket: uniqueName("lmpurge"),
      history: 5,
      limitMarkerTtlMs: 2000,
    });
    expect(await kv.put("k", "1")).toBe(1);
    expect(await kv.put("k", "2")).toBe(2);
    expect(await kv.put("other", "x")).toBe(3);
    await kv.purge("k", { ttlMs: 1000, revision: 2 });
    // with a history above 1, the server raises a TTL shorter than the marker TTL to it (seconds)
    expect(await storedTtl(suite.conn, kv, 4)).toBe("2");
    expect((await kv.history("k")).map(shape)).toEqual([
      { key: "k", revision: 4, operation: "PURGE", markerReason: undefined, value: "" },
    ]);
    expect(await kv.get("k")).toBeNull();

    await until(
      async () => (await kv.history("k")).length === 0,
      30_000,
      "the purge marker expired",
    );
    expect(await kv.history("k")).toEqual([]);
    expect(await kv.keys()).toEqual(["other"]);
    const status = await kv.status();
    expect(status.values).toBe(1);
    expect((await kv.history(">")).map(shape)).toEqual([
      { key: "other", revision: 3, operation: "PUT", markerReason: undefined, value: "x" },
    ]);
  });

  it("the bucket's ttlMs leaves a marker too; a key put with ttlMs never outlives it", async () => {
    const kv = await suite.kvm.create({
      bucket: uniqueName("lmage"),
      ttlMs: 1000,
      limitMarkerTtlMs: 60_000,
    });
    // the markers age out with the bucket's TTL too (only "never" is spared): a watch sees them all
    const watcher = await kv.watchAll();
    const seen: KeyValueWatchEntry[] = [];
    const reading = (async () => {
      for await (const e of watcher) seen.push(e);
    })();
    try {
      expect(await kv.put("aging", "a")).toBe(1);
      expect(await kv.put("pinned", "p", { ttlMs: "never" })).toBe(2);
      await until(() => seen.length === 3, 30_000, "the bucket's TTL removed the first key");
      // a key written after that expires in turn: by then "pinned" is well past the bucket's TTL
      expect(await kv.put("late", "l")).toBe(4);
      await until(() => seen.length === 5, 30_000, "the second key expired");
      expect(seen.map(shape)).toEqual([
        { key: "aging", revision: 1, operation: "PUT", markerReason: undefined, value: "a" },
        { key: "pinned", revision: 2, operation: "PUT", markerReason: undefined, value: "p" },
        { key: "aging", revision: 3, operation: "PURGE", markerReason: "MaxAge", value: "" },
        { key: "late", revision: 4, operation: "PUT", markerReason: undefined, value: "l" },
        { key: "late", revision: 5, operation: "PURGE", markerReason: "MaxAge", value: "" },
      ]);
      expect(await kv.keys()).toEqual(["pinned"]);
      expect((await kv.get("pinned"))?.string()).toBe("p");
    } finally {
      watcher.stop();
      await reading;
    }
  });

  it("purgeDeletes removes the server's markers as it removes a client's", async () => {
    const kv = await suite.kvm.create({ bucket: uniqueName("lmpd"), limitMarkerTtlMs: 60_000 });
    expect(await kv.put("expiring", "e", { ttlMs: 1000 })).toBe(1);
    expect(await kv.put("kept", "k")).toBe(2);
    await until(async () => (await kv.get("expiring")) === null, 30_000, "the key expired");
    expect((await kv.history("expiring")).map((e) => [e.operation, e.markerReason])).toEqual([
      ["PURGE", "MaxAge"],
    ]);
    expect(await kv.purgeDeletes({ olderThanMs: 0 })).toEqual({ purged: 1 });
    expect(await kv.history("expiring")).toEqual([]);
    expect((await kv.history(">")).map(shape)).toEqual([
      { key: "kept", revision: 2, operation: "PUT", markerReason: undefined, value: "k" },
    ]);
  });

  it("refuses before any I/O: bad values, a TTL on a bucket without limit markers, a TTL on delete", async () => {
    const plain = await suite.kvm.create({ bucket: uniqueName("lmplain") });
    const marked = await suite.kvm.create({ bucket: uniqueName("lmbad"), limitMarkerTtlMs: 1000 });
    const spy = await spyOnWrites(url, plain.bucket);
    const spyMarked = await spyOnWrites(url, marked.bucket);
    const from = suite.ops.length;
    try {
      const noTtl = `does not allow per-key TTLs: create it with limitMarkerTtlMs (nats-server 2.11+)`;
      await expect(plain.put("k", "v", { ttlMs: 1000 })).rejects.toMatchObject({
        name: "ValidationError",
        field: "ttlMs",
        message: `kv.put: bucket "${plain.bucket}" ${noTtl}`,
      });
      await expect(plain.create("k", "v", { ttlMs: "never" })).rejects.toMatchObject({
        message: `kv.create: bucket "${plain.bucket}" ${noTtl}`,
      });
      await expect(plain.purge("k", { ttlMs: 1000 })).rejects.toMatchObject({
        message: `kv.purge: bucket "${plain.bucket}" ${noTtl}`,
      });
      for (const bad of [0, 999, 1500, -1000, "1s"]) {
        await expect(marked.put("k", "v", { ttlMs: bad as number })).rejects.toMatchObject({
          name: "ValidationError",
          field: "ttlMs",
        });
      }
      await expect(marked.delete("k", { ttlMs: 1000 } as never)).rejects.toMatchObject({
        name: "ValidationError",
        field: "ttlMs",
        message:
          "kv.delete takes no ttlMs: once the marker expired, the key's previous value would be back; purge with ttlMs",
      });
      await expect(
        suite.kvm.create({ bucket: uniqueName("lmodd"), limitMarkerTtlMs: 1500 }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(
        suite.kvm.create({ bucket: uniqueName("lmodd"), limitMarkerTtlMs: 500 }),
      ).rejects.toMatchObject({
        field: "limitMarkerTtlMs",
        message: "limitMarkerTtlMs must be an integer of at least 1000, got 500",
      });
      await plain.raw.status(); // a round trip: anything sent before it has arrived
      expect(suite.ops.slice(from)).toEqual([]);
      expect([spy.seen, spyMarked.seen]).toEqual([[], []]);
    } finally {
      await spy.close();
      await spyMarked.close();
    }
  });
});

describe.runIf(!modern)("KeyValue per-key TTL and limit markers (before 2.11)", () => {
  const suite = kvSuite(url);
  const refusal = (feature: string) => ({
    name: "UnsupportedFeatureError",
    code: "UNSUPPORTED",
    feature,
    requires: "2.11.0",
    serverVersion: version,
    message: `${feature} needs nats-server 2.11.0 or newer; the server is ${version}`,
  });

  it("refuses a bucket with limitMarkerTtlMs before any I/O", async () => {
    const bucket = uniqueName("lmold");
    const from = suite.ops.length;
    const create = suite.kvm.create({ bucket, limitMarkerTtlMs: 60_000 });
    await expect(create).rejects.toBeInstanceOf(UnsupportedFeatureError);
    await expect(create).rejects.toMatchObject(refusal("KV limit markers"));
    expect(suite.ops.slice(from)).toEqual([]);
    await expect(suite.kvm.get(bucket)).rejects.toMatchObject({ name: "NotFoundError" });
  });

  it("refuses create, put and purge with ttlMs before any I/O; without it they write", async () => {
    const kv = await suite.kvm.create({ bucket: uniqueName("lmoldw") });
    const spy = await spyOnWrites(url, kv.bucket);
    const from = suite.ops.length;
    try {
      await expect(kv.put("k", "v", { ttlMs: 1000 })).rejects.toMatchObject(
        refusal("per-message TTL"),
      );
      await expect(kv.create("k", "v", { ttlMs: "never" })).rejects.toMatchObject(
        refusal("per-message TTL"),
      );
      await expect(kv.purge("k", { ttlMs: 5000 })).rejects.toMatchObject(
        refusal("per-message TTL"),
      );
      await kv.raw.status(); // a round trip: anything sent before it has arrived
      expect(suite.ops.slice(from)).toEqual([]);
      expect(spy.seen).toEqual([]);
      expect(await kv.put("k", "v")).toBe(1);
      await until(() => spy.seen.length === 1, 10_000, "the spy saw the put");
      expect(spy.seen.map((m) => [m.subject, m.headers["Nats-TTL"]])).toEqual([
        [`$KV.${kv.bucket}.k`, undefined],
      ]);
    } finally {
      await spy.close();
    }
  });
});
