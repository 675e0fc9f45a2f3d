import { ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { assertKeyValueConfig, configDifferences, toKvOptions } from "./bucket-config.js";
import type { KeyValueStatus } from "./status.js";

function fieldOf(config: unknown): string | undefined {
  try {
    assertKeyValueConfig(config);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).field;
  }
}

describe("bucket configuration", () => {
  it("accepts a full configuration", () => {
    expect(
      fieldOf({
        bucket: "b-1_x",
        history: 64,
        ttlMs: 0,
        maxValueSize: -1,
        maxBytes: 10,
        storage: "memory",
        replicas: 3,
        description: "d",
      }),
    ).toBeUndefined();
  });

  it("names the first bad field", () => {
    expect(fieldOf(null)).toBe("config");
    expect(fieldOf({ bucket: "a.b" })).toBe("bucket");
    expect(fieldOf({ bucket: "a b" })).toBe("bucket");
    expect(fieldOf({ bucket: "a", history: 0 })).toBe("history");
    expect(fieldOf({ bucket: "a", history: 1.5 })).toBe("history");
    expect(fieldOf({ bucket: "a", ttlMs: -5 })).toBe("ttlMs");
    expect(fieldOf({ bucket: "a", maxValueSize: -2 })).toBe("maxValueSize");
    expect(fieldOf({ bucket: "a", maxBytes: 0 })).toBe("maxBytes");
    expect(fieldOf({ bucket: "a", replicas: 0 })).toBe("replicas");
    expect(fieldOf({ bucket: "a", storage: "disk" })).toBe("storage");
    expect(fieldOf({ bucket: "a", description: 3 })).toBe("description");
    expect(fieldOf({ bucket: "a", ttl: 3 })).toBe("ttl");
  });

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
    };
    expect(configDifferences({ bucket: "a" }, status)).toEqual([]);
    expect(configDifferences({ bucket: "a", history: 3, storage: "file" }, status)).toEqual([]);
    expect(configDifferences({ bucket: "a", history: 2, storage: "memory" }, status)).toEqual([
      "history: wanted 2, has 3",
      "storage: wanted memory, has file",
    ]);
  });
});
