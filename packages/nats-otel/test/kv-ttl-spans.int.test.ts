import { UnsupportedFeatureError } from "@helix/nats-core";
import { versionAtLeast } from "@helix/nats-core/internal";
import { createKeyValueManager, type KeyValue } from "@helix/nats-kv";
import { SpanKind } from "@opentelemetry/api";
import { afterEach, describe, expect, inject, it } from "vitest";
import { onlySpan } from "./helpers.js";
import { expectUnset, serverAttrs, sharedTraced, uniqueName } from "./management-helpers.js";

/*
 * The `messaging.nats.message.ttl` attribute of key-value writes with a TTL (nats-server 2.11+,
 * a bucket with limit markers): the `Nats-TTL` value the write sent.
 */

const CLIENT = "otel-kv-ttl-spans";
const version = inject("natsServerVersion");

const shared = sharedTraced(CLIENT);
const buckets: string[] = [];

afterEach(async () => {
  const jsm = await shared.conn.manager();
  for (const bucket of buckets.splice(0)) await jsm.streams.delete(`KV_${bucket}`).catch(() => {});
});

/** A fresh bucket (with limit markers when `limitMarkerTtlMs` is given); its spans cleared. */
async function newBucket(limitMarkerTtlMs?: number): Promise<KeyValue> {
  const bucket = uniqueName("otkvttl");
  buckets.push(bucket);
  const config = limitMarkerTtlMs === undefined ? { bucket } : { bucket, limitMarkerTtlMs };
  const kv = await createKeyValueManager(shared.conn).create(config);
  shared.sdk.reset();
  return kv;
}

/** The exact attributes of a key-value write's CLIENT span. */
function kvAttrs(
  kind: string,
  bucket: string,
  key: string,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  return {
    "messaging.system": "nats",
    "messaging.operation.name": kind,
    "messaging.destination.name": bucket,
    "messaging.nats.kv.bucket": bucket,
    "messaging.nats.kv.key": key,
    "messaging.client.id": CLIENT,
    ...serverAttrs(),
    ...extra,
  };
}

describe.runIf(versionAtLeast(version, "2.11.0"))("key-value TTL spans (server 2.11+)", () => {
  it("put, create and purge carry messaging.nats.message.ttl as sent; a write without one has none", async () => {
    const kv = await newBucket(60_000);
    const b = kv.bucket;
    expect(await kv.put("short", "x", { ttlMs: 5000 })).toBe(1);
    expect(await kv.create("pinned", "y", { ttlMs: "never" })).toBe(2);
    expect(await kv.put("plain", "z")).toBe(3);
    await kv.purge("plain", { ttlMs: 1000 });

    const puts = shared.sdk.spans().filter((s) => s.name === `kv.put ${b}`);
    expect(puts.map((s) => s.attributes)).toEqual([
      kvAttrs("kv.put", b, "short", {
        "messaging.nats.message.ttl": "5s",
        "messaging.nats.kv.revision": 1,
      }),
      kvAttrs("kv.put", b, "plain", { "messaging.nats.kv.revision": 3 }),
    ]);
    const create = onlySpan(shared.sdk, `kv.create ${b}`);
    expect(create.attributes).toEqual(
      kvAttrs("kv.create", b, "pinned", {
        "messaging.nats.message.ttl": "never",
        "messaging.nats.kv.revision": 2,
      }),
    );
    const purge = onlySpan(shared.sdk, `kv.purge ${b}`);
    expect(purge.attributes).toEqual(
      kvAttrs("kv.purge", b, "plain", { "messaging.nats.message.ttl": "1s" }),
    );
    for (const span of [...puts, create, purge]) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expectUnset(span);
    }
  });
});

describe.runIf(!versionAtLeast(version, "2.11.0"))("key-value TTL spans (before 2.11)", () => {
  it("a write refused for its TTL makes no span: it never reached the stack", async () => {
    const kv = await newBucket();
    await expect(kv.put("k", "v", { ttlMs: 1000 })).rejects.toBeInstanceOf(UnsupportedFeatureError);
    await expect(kv.purge("k", { ttlMs: 1000 })).rejects.toBeInstanceOf(UnsupportedFeatureError);
    expect(shared.sdk.spans()).toEqual([]);
  });
});
