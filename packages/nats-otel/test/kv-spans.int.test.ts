import { KeyExistsError, NotFoundError, WrongRevisionError } from "@helix/nats-core";
import { createKeyValueManager, type KeyValue } from "@helix/nats-kv";
import { SpanKind } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { onlySpan } from "./helpers.js";
import {
  expectChildOf,
  expectFailedWith,
  expectUnset,
  insideSpan,
  serverAttrs,
  sharedTraced,
  uniqueName,
} from "./management-helpers.js";

const CLIENT = "otel-kv-spans";

const shared = sharedTraced(CLIENT);
const buckets: string[] = [];

afterEach(async () => {
  const jsm = await shared.conn.manager();
  for (const bucket of buckets.splice(0)) await jsm.streams.delete(`KV_${bucket}`).catch(() => {});
});

/** A fresh bucket, opened through the traced manager; the spans of its creation are cleared. */
async function newBucket(): Promise<KeyValue> {
  const bucket = uniqueName("otkv");
  buckets.push(bucket);
  const kv = await createKeyValueManager(shared.conn).create({ bucket, history: 10 });
  shared.sdk.reset();
  return kv;
}

function kvAttrs(
  kind: string,
  bucket: string,
  extra: { key?: string; revision?: number; [k: string]: unknown } = {},
): Record<string, unknown> {
  const { key, revision, ...rest } = extra;
  return {
    "messaging.system": "nats",
    "messaging.operation.name": kind,
    "messaging.destination.name": bucket,
    "messaging.nats.kv.bucket": bucket,
    "messaging.client.id": CLIENT,
    ...(key === undefined ? {} : { "messaging.nats.kv.key": key }),
    ...(revision === undefined ? {} : { "messaging.nats.kv.revision": revision }),
    ...serverAttrs(),
    ...rest,
  };
}

function expectClientSpan(span: ReadableSpan, attrs: Record<string, unknown>): void {
  expect(span.kind).toBe(SpanKind.CLIENT);
  // Exact: no messaging.operation.type (KV is not a messaging operation), nothing else.
  expect(span.attributes).toEqual(attrs);
  expectUnset(span);
}

describe("key-value spans", () => {
  it("put, get, getRevision, create, update, delete, purge: bucket, key and revision", async () => {
    const kv = await newBucket();
    const b = kv.bucket;
    const { outer } = await insideSpan(shared.sdk, async () => {
      const r1 = await kv.put("color", "red");
      const entry = await kv.get("color");
      expect(entry?.revision).toBe(r1);
      expect((await kv.getRevision("color", r1))?.revision).toBe(r1);
      const r2 = await kv.create("size", "L");
      const r3 = await kv.update("color", "blue", r1);
      await kv.delete("size");
      await kv.purge("color", { revision: r3 });
      expect([r1, r2, r3]).toEqual([1, 2, 3]);
    });
    // Revisions are the bucket's stream sequences: 1 for the first write, and so on.
    expectClientSpan(
      onlySpan(shared.sdk, `kv.put ${b}`),
      kvAttrs("kv.put", b, { key: "color", revision: 1 }),
    );
    expectClientSpan(
      onlySpan(shared.sdk, `kv.get ${b}`),
      kvAttrs("kv.get", b, { key: "color", revision: 1 }),
    );
    expectClientSpan(
      onlySpan(shared.sdk, `kv.getRevision ${b}`),
      kvAttrs("kv.getRevision", b, { key: "color", revision: 1 }),
    );
    expectClientSpan(
      onlySpan(shared.sdk, `kv.create ${b}`),
      kvAttrs("kv.create", b, { key: "size", revision: 2 }),
    );
    // update: the revision written (3), not the one expected (1).
    expectClientSpan(
      onlySpan(shared.sdk, `kv.update ${b}`),
      kvAttrs("kv.update", b, { key: "color", revision: 3 }),
    );
    expectClientSpan(
      onlySpan(shared.sdk, `kv.delete ${b}`),
      kvAttrs("kv.delete", b, { key: "size" }),
    );
    expectClientSpan(
      onlySpan(shared.sdk, `kv.purge ${b}`),
      kvAttrs("kv.purge", b, { key: "color", revision: 3 }),
    );
    const inner = shared.sdk.spans().filter((s) => s.name !== "outer");
    expect(inner).toHaveLength(7);
    for (const span of inner) expectChildOf(span, outer);
  });

  it("the revision after put is the revision put returned", async () => {
    const kv = await newBucket();
    await kv.put("a", "1");
    await kv.put("b", "2");
    shared.sdk.reset();
    const revision = await kv.put("a", "3");
    expect(revision).toBe(3);
    expect(
      onlySpan(shared.sdk, `kv.put ${kv.bucket}`).attributes["messaging.nats.kv.revision"],
    ).toBe(revision);
  });

  it("keys, history, status and watch", async () => {
    const kv = await newBucket();
    const b = kv.bucket;
    await kv.put("k.1", "a");
    await kv.put("k.1", "b");
    shared.sdk.reset();
    expect(await kv.keys()).toEqual(["k.1"]);
    expect(await kv.keys("k.*")).toEqual(["k.1"]);
    expect((await kv.history("k.1")).map((e) => e.revision)).toEqual([1, 2]);
    expect((await kv.status()).bucket).toBe(b);
    const watcher = await kv.watch("k.>");
    watcher.stop();
    const all = await kv.watchAll();
    all.stop();

    const keys = shared.sdk.named(`kv.keys ${b}`);
    expect(keys).toHaveLength(2);
    expectClientSpan(keys[0] as ReadableSpan, kvAttrs("kv.keys", b, { key: ">" }));
    expectClientSpan(keys[1] as ReadableSpan, kvAttrs("kv.keys", b, { key: "k.*" }));
    expectClientSpan(
      onlySpan(shared.sdk, `kv.history ${b}`),
      kvAttrs("kv.history", b, { key: "k.1" }),
    );
    expectClientSpan(onlySpan(shared.sdk, `kv.status ${b}`), kvAttrs("kv.status", b));
    expectClientSpan(onlySpan(shared.sdk, `kv.watch ${b}`), kvAttrs("kv.watch", b, { key: "k.>" }));
    expectClientSpan(
      onlySpan(shared.sdk, `kv.watchAll ${b}`),
      kvAttrs("kv.watchAll", b, { key: ">" }),
    );
  });

  it("purgeDeletes: one span for the bucket, no key", async () => {
    const kv = await newBucket();
    await kv.put("x", "1");
    await kv.delete("x");
    shared.sdk.reset();
    expect(await kv.purgeDeletes({ olderThanMs: 0 })).toEqual({ purged: 2 });
    expectClientSpan(
      onlySpan(shared.sdk, `kv.purgeDeletes ${kv.bucket}`),
      kvAttrs("kv.purgeDeletes", kv.bucket),
    );
    expect(shared.sdk.spans().map((s) => s.name)).toEqual([`kv.purgeDeletes ${kv.bucket}`]);
  });

  it("bucket management: create, get, list, delete", async () => {
    const manager = createKeyValueManager(shared.conn);
    const b = uniqueName("otkv");
    buckets.push(b);
    const { outer } = await insideSpan(shared.sdk, async () => {
      await manager.create({ bucket: b });
      await manager.get(b);
      expect((await manager.list()).map((s) => s.bucket)).toContain(b);
      await manager.delete(b);
    });
    expectClientSpan(onlySpan(shared.sdk, `kv.bucket.create ${b}`), kvAttrs("kv.bucket.create", b));
    expectClientSpan(onlySpan(shared.sdk, `kv.bucket.get ${b}`), kvAttrs("kv.bucket.get", b));
    expectClientSpan(onlySpan(shared.sdk, `kv.bucket.delete ${b}`), kvAttrs("kv.bucket.delete", b));
    // list has no bucket: the name alone, no destination or bucket attribute.
    expectClientSpan(onlySpan(shared.sdk, "kv.bucket.list"), {
      "messaging.system": "nats",
      "messaging.operation.name": "kv.bucket.list",
      "messaging.client.id": CLIENT,
      ...serverAttrs(),
    });
    const inner = shared.sdk.spans().filter((s) => s.name !== "outer");
    expect(inner).toHaveLength(4);
    for (const span of inner) expectChildOf(span, outer);
  });
});

describe("key-value outcomes", () => {
  it("get of a missing key returns null: status UNSET, no exception event, no revision", async () => {
    const kv = await newBucket();
    expect(await kv.get("nope")).toBeNull();
    expectClientSpan(
      onlySpan(shared.sdk, `kv.get ${kv.bucket}`),
      kvAttrs("kv.get", kv.bucket, { key: "nope" }),
    );
  });

  it("get of a deleted key returns null: status UNSET", async () => {
    const kv = await newBucket();
    await kv.put("gone", "x");
    await kv.delete("gone");
    shared.sdk.reset();
    expect(await kv.get("gone")).toBeNull();
    expectClientSpan(
      onlySpan(shared.sdk, `kv.get ${kv.bucket}`),
      kvAttrs("kv.get", kv.bucket, { key: "gone" }),
    );
  });

  it("create of an existing key throws KeyExistsError, but its span is UNSET with kv.outcome=key_exists", async () => {
    const kv = await newBucket();
    await kv.put("taken", "x");
    shared.sdk.reset();
    const err = await kv.create("taken", "y").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyExistsError);
    const span = onlySpan(shared.sdk, `kv.create ${kv.bucket}`);
    expectClientSpan(
      span,
      kvAttrs("kv.create", kv.bucket, { key: "taken", "messaging.nats.kv.outcome": "key_exists" }),
    );
    expect(span.attributes["error.type"]).toBeUndefined();
  });

  it("update with a stale revision: status ERROR, error.type WRONG_REVISION, exception event", async () => {
    const kv = await newBucket();
    const r1 = await kv.put("n", "1");
    await kv.put("n", "2");
    shared.sdk.reset();
    const err = await kv.update("n", "3", r1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongRevisionError);
    const span = onlySpan(shared.sdk, `kv.update ${kv.bucket}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expectFailedWith(span, err, "WRONG_REVISION");
    // The revision asked for stays: nothing was written.
    expect(span.attributes).toEqual({
      ...kvAttrs("kv.update", kv.bucket, { key: "n", revision: r1 }),
      "error.type": "WRONG_REVISION",
    });
  });

  it("bucket.get of a missing bucket: status ERROR, error.type NOT_FOUND", async () => {
    const b = uniqueName("otkvmissing");
    const err = await createKeyValueManager(shared.conn)
      .get(b)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    const span = onlySpan(shared.sdk, `kv.bucket.get ${b}`);
    expectFailedWith(span, err, "NOT_FOUND");
    expect(span.attributes).toEqual({
      ...kvAttrs("kv.bucket.get", b),
      "error.type": "NOT_FOUND",
    });
  });
});
