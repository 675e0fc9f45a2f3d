import { ValidationError } from "@helix/nats-core";
import { assertInteger } from "@helix/nats-core/internal";
import { describe, expect, it } from "vitest";
import {
  assertKeyValueConfig,
  assertWatchOptions,
  DEFAULT_WRITE_RETRY,
  resolveRetry,
} from "./validation.js";

function fieldOf(config: unknown): string | undefined {
  try {
    assertKeyValueConfig(config);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).field;
  }
}

describe("bucket configuration checks", () => {
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
});

// revisions are checked with core's assertInteger: min 1, and min 0 for update's expected one
describe("revision checks", () => {
  it("a revision accepts positive integers only", () => {
    expect(() => assertInteger(1, "revision", 1)).not.toThrow();
    for (const bad of [0, -1, 1.5, Number.NaN, "1", undefined, 2 ** 60]) {
      expect(() => assertInteger(bad, "revision", 1)).toThrow(ValidationError);
    }
  });

  it("an expected revision accepts 0 (no entry yet)", () => {
    expect(() => assertInteger(0, "revision", 0)).not.toThrow();
    expect(() => assertInteger(7, "revision", 0)).not.toThrow();
    expect(() => assertInteger(-1, "revision", 0)).toThrow(ValidationError);
  });
});

describe("watch option checks", () => {
  it("rejects contradictory or malformed options", () => {
    const bad = [
      { includeHistory: true, updatesOnly: true },
      { updatesOnly: true, resumeFromRevision: 2 },
      { resumeFromRevision: 0 },
      { ignoreDeletes: "yes" as unknown as boolean },
    ];
    for (const options of bad) {
      expect(() => assertWatchOptions(options)).toThrow(ValidationError);
    }
  });
});

describe("write retry settings", () => {
  it("default to a 30 s budget (a publish's); fields given replace the base's one by one; false is one attempt", () => {
    expect(resolveRetry(undefined)).toEqual({
      budgetMs: 30_000,
      initialDelayMs: 250,
      maxDelayMs: 2_000,
      onRetry: undefined,
    });
    const onRetry = () => {};
    const manager = resolveRetry({ budgetMs: 30_000, onRetry });
    expect(manager).toEqual({ budgetMs: 30_000, initialDelayMs: 250, maxDelayMs: 2_000, onRetry });
    expect(resolveRetry({ initialDelayMs: 100 }, manager)).toEqual({
      budgetMs: 30_000,
      initialDelayMs: 100,
      maxDelayMs: 2_000,
      onRetry,
    });
    expect(resolveRetry(undefined, manager)).toBe(manager);
    expect(resolveRetry(false, manager)).toMatchObject({ budgetMs: 0 });
    // a larger first delay raises the default cap with it
    expect(resolveRetry({ initialDelayMs: 5_000 })).toMatchObject({ maxDelayMs: 5_000 });
    expect(DEFAULT_WRITE_RETRY.budgetMs).toBe(30_000);
  });

  it("refuses malformed settings, naming the field", () => {
    const fieldOfRetry = (retry: unknown): string | undefined => {
      try {
        resolveRetry(retry as never);
        return undefined;
      } catch (err) {
        return (err as ValidationError).field;
      }
    };
    expect(fieldOfRetry("fast")).toBe("retry");
    expect(fieldOfRetry({ budgetMs: -1 })).toBe("retry.budgetMs");
    expect(fieldOfRetry({ budgetMs: 1.5 })).toBe("retry.budgetMs");
    expect(fieldOfRetry({ initialDelayMs: -1 })).toBe("retry.initialDelayMs");
    expect(fieldOfRetry({ initialDelayMs: 10, maxDelayMs: 5 })).toBe("retry.maxDelayMs");
    expect(fieldOfRetry({ onRetry: "log" })).toBe("retry.onRetry");
  });
});
