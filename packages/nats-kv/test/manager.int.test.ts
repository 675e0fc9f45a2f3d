import {
  type Connection,
  JetStreamApiError,
  LimitExceededError,
  NotFoundError,
  ValidationError,
} from "@helix/nats-core";
import { uniqueName } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it } from "vitest";
import { createKeyValueManager } from "../src/index.js";
import { kvSuite } from "./helpers.js";

const url = inject("natsUrl");

describe("key-value manager", () => {
  const suite = kvSuite(url);

  it("creates a bucket with every setting, and the handle knows its name", async () => {
    const bucket = uniqueName("cfg");
    const kv = await suite.kvm.create({
      bucket,
      history: 5,
      ttlMs: 60_000,
      maxValueSize: 1024,
      maxBytes: 1024 * 1024,
      storage: "memory",
      replicas: 1,
      description: "settings test",
    });
    expect(kv.bucket).toBe(bucket);
    const status = await kv.status();
    expect(status).toEqual({
      bucket,
      streamName: `KV_${bucket}`,
      values: 0,
      history: 5,
      ttlMs: 60_000,
      bytes: 0,
      backingStore: "memory",
      replicas: 1,
      maxValueSize: 1024,
      maxBytes: 1024 * 1024,
      description: "settings test",
      cluster: "",
      limitMarkerTtlMs: 0,
    });
    const tooBig = kv.put("big", new Uint8Array(2048));
    await expect(tooBig).rejects.toBeInstanceOf(LimitExceededError);
    await expect(tooBig).rejects.toMatchObject({
      limit: "max_value_size",
      max: 1024,
      message: `kv.put: the value exceeds bucket "${bucket}"'s max_value_size of 1024 bytes, headers included (a put's take 49 bytes, a write with a revision's about 90)`,
    });
    await suite.kvm.delete(bucket);
  });

  it("maxValueSize counts the write's headers, as the server does: a put's 49 bytes", async () => {
    const bucket = uniqueName("vsize");
    const kv = await suite.kvm.create({ bucket, maxValueSize: 100 });
    expect(await kv.put("fits", "v".repeat(100 - 49))).toBe(1);
    const over = await kv.put("over", "v".repeat(100 - 49 + 1)).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(LimitExceededError);
    expect(over).toMatchObject({ limit: "max_value_size", max: 100, apiCode: 10054 });
    await suite.kvm.delete(bucket);
  });

  it("uses the defaults: history 1, no ttl, no limits, file storage", async () => {
    const bucket = uniqueName("defaults");
    const kv = await suite.kvm.create({ bucket });
    expect(await kv.status()).toMatchObject({
      history: 1,
      ttlMs: 0,
      maxValueSize: -1,
      maxBytes: -1,
      backingStore: "file",
      replicas: 1,
      description: "",
    });
    await suite.kvm.delete(bucket);
  });

  it("durations are milliseconds: ttlMs reaches the server as nanoseconds; its ns fields are refused", async () => {
    const jsm = await suite.conn.manager();
    const NS_PER_MS = 1_000_000;
    // a TTL under the server's 2 min de-duplication window shortens the window to the TTL
    for (const [ttlMs, duplicateWindowMs] of [
      [90_000, 90_000],
      [3_600_000, 120_000],
      [0, 120_000],
    ] as const) {
      const bucket = uniqueName("ttl");
      const kv = await suite.kvm.create({ bucket, ttlMs });
      const { config } = await jsm.streams.info(`KV_${bucket}`);
      expect([config.max_age, config.duplicate_window]).toEqual([
        ttlMs * NS_PER_MS,
        duplicateWindowMs * NS_PER_MS,
      ]);
      expect((await kv.status()).ttlMs).toBe(ttlMs);
      await suite.kvm.delete(bucket);
    }
    // the server's nanosecond field (or the client's) would be a unit trap: refused, with the way out
    for (const [field, message] of [
      [
        "max_age",
        `unknown bucket configuration field "max_age": use ttlMs (milliseconds; the server's max_age is in nanoseconds)`,
      ],
      ["ttl", `unknown bucket configuration field "ttl": use ttlMs (milliseconds)`],
    ]) {
      const err = await suite.kvm
        .create({ bucket: uniqueName("ttl"), [field as string]: 60_000 } as never)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ field, message });
    }
  });

  it("create opens a bucket that exists with the same settings, refuses other settings", async () => {
    const bucket = uniqueName("again");
    const first = await suite.kvm.create({ bucket, history: 3 });
    await first.put("k", "v");
    const again = await suite.kvm.create({ bucket, history: 3 });
    expect(again.bucket).toBe(bucket);
    expect((await again.get("k"))?.string()).toBe("v");
    const err = await suite.kvm.create({ bucket, history: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JetStreamApiError);
    expect((err as JetStreamApiError).apiCode).toBe(10058);
    expect((err as Error).message).toContain("history: wanted 4, has 3");
    expect((await first.status()).history).toBe(3);
    await suite.kvm.delete(bucket);
  });

  it("get opens an existing bucket and throws NotFoundError for a missing one", async () => {
    const bucket = uniqueName("get");
    await (await suite.kvm.create({ bucket })).put("a", "1");
    const kv = await suite.kvm.get(bucket);
    expect(kv.bucket).toBe(bucket);
    expect((await kv.get("a"))?.string()).toBe("1");

    const missing = uniqueName("missing");
    const err = await suite.kvm.get(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ what: "bucket", resource: missing, code: "NOT_FOUND" });
    await suite.kvm.delete(bucket);
  });

  it("delete removes the bucket; deleting a missing one is NotFoundError", async () => {
    const bucket = uniqueName("del");
    await suite.kvm.create({ bucket });
    await suite.kvm.delete(bucket);
    await expect(suite.kvm.get(bucket)).rejects.toMatchObject({ what: "bucket", resource: bucket });
    const err = await suite.kvm.delete(bucket).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ what: "bucket", resource: bucket });
  });

  it("list returns the status of every bucket", async () => {
    const a = uniqueName("list");
    const b = uniqueName("list");
    await suite.kvm.create({ bucket: a, history: 2 });
    await suite.kvm.create({ bucket: b, description: "second" });
    const all = await suite.kvm.list();
    const mine = all.filter((s) => s.bucket === a || s.bucket === b);
    expect(mine).toHaveLength(2);
    expect(mine.find((s) => s.bucket === a)?.history).toBe(2);
    expect(mine.find((s) => s.bucket === b)?.description).toBe("second");
    await suite.kvm.delete(a);
    await suite.kvm.delete(b);
  });

  it("validates bucket names and settings before any I/O", async () => {
    const before = suite.ops.length;
    const bad: [() => Promise<unknown>, string][] = [
      [() => suite.kvm.create({ bucket: "has.dot" }), "bucket"],
      [() => suite.kvm.create({ bucket: "has space" }), "bucket"],
      [() => suite.kvm.create({ bucket: "" }), "bucket"],
      [() => suite.kvm.create({ bucket: "ok", history: 0 }), "history"],
      [() => suite.kvm.create({ bucket: "ok", history: 65 }), "history"],
      [() => suite.kvm.create({ bucket: "ok", ttlMs: -1 }), "ttlMs"],
      [() => suite.kvm.create({ bucket: "ok", maxBytes: 0 }), "maxBytes"],
      [() => suite.kvm.create({ bucket: "ok", replicas: 7 }), "replicas"],
      [() => suite.kvm.create({ bucket: "ok", storage: "disk" as "file" }), "storage"],
      [() => suite.kvm.create({ bucket: "ok", histroy: 2 } as never), "histroy"],
      [() => suite.kvm.get("has.dot"), "bucket"],
      [() => suite.kvm.get("has space"), "bucket"],
      [() => suite.kvm.delete("a.b"), "bucket"],
    ];
    for (const [call, field] of bad) {
      let thrown: unknown;
      try {
        await call();
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ValidationError);
      expect((thrown as ValidationError).field).toBe(field);
    }
    expect(suite.ops.length).toBe(before);
  });

  it("runs every manager call through the middleware as kv.bucket.* with the bucket", async () => {
    const bucket = uniqueName("mw");
    const start = suite.ops.length;
    await suite.kvm.create({ bucket });
    await suite.kvm.get(bucket);
    await suite.kvm.list();
    await suite.kvm.delete(bucket);
    await suite.kvm.get(bucket).catch(() => {});
    expect(suite.ops.slice(start)).toEqual([
      { kind: "kv.bucket.create", bucket, key: undefined, revision: undefined, error: undefined },
      { kind: "kv.bucket.get", bucket, key: undefined, revision: undefined, error: undefined },
      { kind: "kv.bucket.list", bucket: "", key: undefined, revision: undefined, error: undefined },
      { kind: "kv.bucket.delete", bucket, key: undefined, revision: undefined, error: undefined },
      {
        kind: "kv.bucket.get",
        bucket,
        key: undefined,
        revision: undefined,
        error: "NotFoundError",
      },
    ]);
  });

  it("refuses something that is not a helix connection", () => {
    expect(() => createKeyValueManager({} as Connection)).toThrow(ValidationError);
  });
});
