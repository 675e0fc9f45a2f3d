import { UnsupportedFeatureError, ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { assertStreamFeatures } from "./stream-features.js";

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe("assertStreamFeatures", () => {
  it("refuses each version-gated flag on a server too old for it, naming the feature and version", () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ allow_msg_ttl: true }, "per-message TTL", "2.11.0"],
      [{ allow_msg_counter: true }, "message counters", "2.12.0"],
      [{ allow_atomic: true }, "atomic batch publish", "2.12.0"],
      [{ allow_msg_schedules: true }, "scheduled messages", "2.12.0"],
      [{ subject_transform: { src: "a.>", dest: "b.>" } }, "subject transforms", "2.10.0"],
    ];
    for (const [config, feature, requires] of cases) {
      expect(thrown(() => assertStreamFeatures(config, "2.9.10"))).toEqual(
        new UnsupportedFeatureError(feature, requires, "2.9.10"),
      );
      expect(() => assertStreamFeatures(config, "2.15.3")).not.toThrow();
    }
  });

  it("takes false or no flag on any server, and refuses a flag that is not a boolean", () => {
    const off = {
      allow_msg_ttl: false,
      allow_msg_counter: false,
      allow_atomic: false,
      allow_msg_schedules: false,
    };
    expect(() => assertStreamFeatures(off, "2.9.10")).not.toThrow();
    expect(() => assertStreamFeatures({ name: "S" }, "2.9.10")).not.toThrow();
    for (const field of Object.keys(off)) {
      const err = thrown(() => assertStreamFeatures({ [field]: "yes" }, "2.15.3"));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ field, message: `${field} must be a boolean`, value: "yes" });
    }
  });
});
