import { ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { assertExpectedRevision, assertRevision } from "./revisions.js";

describe("revision checks", () => {
  it("assertRevision accepts positive integers only", () => {
    expect(() => assertRevision(1)).not.toThrow();
    for (const bad of [0, -1, 1.5, Number.NaN, "1", undefined, 2 ** 60]) {
      expect(() => assertRevision(bad)).toThrow(ValidationError);
    }
  });

  it("assertExpectedRevision accepts 0 (no entry yet)", () => {
    expect(() => assertExpectedRevision(0)).not.toThrow();
    expect(() => assertExpectedRevision(7)).not.toThrow();
    expect(() => assertExpectedRevision(-1)).toThrow(ValidationError);
  });
});
