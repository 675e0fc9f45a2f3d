import { JetStreamUnavailableError, TimeoutError, ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import * as kv from "./index.js";

describe("package entry", () => {
  it("exports the manager factory and isRetryable (DESIGN §4)", () => {
    expect(Object.keys(kv).sort()).toEqual(["createKeyValueManager", "isRetryable"]);
    expect(kv.isRetryable(new TimeoutError())).toBe(true);
    expect(kv.isRetryable(new JetStreamUnavailableError("leader election"))).toBe(true);
    expect(kv.isRetryable(new ValidationError("key", "bad"))).toBe(false);
    expect(kv.isRetryable(new Error("plain"))).toBe(false);
  });
});
