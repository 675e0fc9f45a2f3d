import { describe, expect, it } from "vitest";
import { configDifferences, toKvOptions } from "./bucket-config.js";
import type { KeyValueStatus } from "./types.js";

describe("bucket configuration", () => {
  it("translates to the client's options with defaults", () => {
    expect(toKvOptions({ bucket: "a" })).toEqual({
      history: 1,
      ttl: 0,
      maxValueSize: -1,
      max_bytes: -1,
      storage: "file",
      replicas: 1,
    });
    expect(toKvOptions({ bucket: "a", ttlMs: 5, description: "x" })).toMatchObject({
      ttl: 5,
      description: "x",
    });
  });

  it("lists the differences with an existing bucket, for the fields given only", () => {
    const status: KeyValueStatus = {
      bucket: "a",
      streamName: "KV_a",
      values: 0,
      history: 3,
      ttlMs: 0,
      bytes: 0,
      backingStore: "file",
      replicas: 1,
      maxValueSize: -1,
      maxBytes: -1,
      description: "",
      cluster: "",
      limitMarkerTtlMs: 0,
    };
    expect(configDifferences({ bucket: "a" }, status)).toEqual([]);
    expect(configDifferences({ bucket: "a", history: 3, storage: "file" }, status)).toEqual([]);
    expect(configDifferences({ bucket: "a", history: 2, storage: "memory" }, status)).toEqual([
      "history: wanted 2, has 3",
      "storage: wanted memory, has file",
    ]);
    expect(configDifferences({ bucket: "a", limitMarkerTtlMs: 5000 }, status)).toEqual([
      "limitMarkerTtlMs: wanted 5000, has 0",
    ]);
  });

  it("asks the client for limit markers only when limitMarkerTtlMs is given", () => {
    expect(toKvOptions({ bucket: "a", limitMarkerTtlMs: 5000 })).toMatchObject({ markerTTL: 5000 });
    expect("markerTTL" in toKvOptions({ bucket: "a" })).toBe(false);
  });
});
