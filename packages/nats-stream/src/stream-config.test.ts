import { ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { toServerStreamConfig } from "./stream-config.js";

describe("toServerStreamConfig", () => {
  it("converts every millisecond field to the server's nanoseconds, leaving the caller's object alone", () => {
    const config = {
      name: "S",
      subjects: ["s.>"],
      maxAgeMs: 60_000,
      duplicateWindowMs: 30_000,
      subjectDeleteMarkerTtlMs: 5_000,
      consumer_limits: { inactiveThresholdMs: 10_000, max_ack_pending: 7 },
    };
    const before = structuredClone(config);
    expect(toServerStreamConfig(config)).toEqual({
      name: "S",
      subjects: ["s.>"],
      max_age: 60_000_000_000,
      duplicate_window: 30_000_000_000,
      subject_delete_marker_ttl: 5_000_000_000,
      consumer_limits: { inactive_threshold: 10_000_000_000, max_ack_pending: 7 },
    });
    expect(config).toEqual(before);
    // 0 (the server's default or "no limit") passes in either unit
    expect(toServerStreamConfig({ name: "S", maxAgeMs: 0, duplicate_window: 0 })).toEqual({
      name: "S",
      max_age: 0,
      duplicate_window: 0,
    });
  });

  it("refuses nanoseconds under 1 ms and a duration given in both units, naming the field", () => {
    const cases: [object, string, RegExp][] = [
      [
        { subject_delete_marker_ttl: 5_000 },
        "subject_delete_marker_ttl",
        /5 µs.*subjectDeleteMarkerTtlMs/,
      ],
      [
        { consumer_limits: { inactive_threshold: 30_000 } },
        "consumer_limits.inactive_threshold",
        /30 µs.*consumer_limits\.inactiveThresholdMs/,
      ],
      [
        { duplicateWindowMs: 1, duplicate_window: 1_000_000 },
        "duplicateWindowMs",
        /^give either duplicateWindowMs \(milliseconds\) or duplicate_window \(nanoseconds\), not both$/,
      ],
      [{ maxAgeMs: "60s" }, "maxAgeMs", /maxAgeMs must be a non-negative integer, got 60s/],
    ];
    for (const [fields, field, message] of cases) {
      const err = (() => {
        try {
          toServerStreamConfig({ name: "S", ...fields });
        } catch (e) {
          return e;
        }
      })();
      expect(err, field).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe(field);
      expect((err as ValidationError).message).toMatch(message);
    }
  });
});
