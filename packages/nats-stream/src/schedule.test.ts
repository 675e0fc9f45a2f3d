import { UnsupportedFeatureError, ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { resolveSchedule } from "./schedule.js";

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 600);

describe("resolveSchedule", () => {
  it("a one-shot schedule: @at in RFC 3339 (UTC, milliseconds), with the target and the TTL headers", () => {
    expect(
      resolveSchedule("s.a", { target: "s.out", delayMs: 1500, ttlMs: 5000 }, "2.12.0", {
        now: NOW,
      }),
    ).toEqual({
      schedule: "@at 2026-01-02T03:04:07.100Z",
      target: "s.out",
      at: new Date(NOW + 1500),
      headers: [
        ["Nats-Schedule", "@at 2026-01-02T03:04:07.100Z"],
        ["Nats-Schedule-Target", "s.out"],
        ["Nats-Schedule-TTL", "5s"],
      ],
    });
    const at = new Date(Date.UTC(2027, 5, 1));
    expect(resolveSchedule("s.a", { target: "s.out", at }, "2.12.0").schedule).toBe(
      "@at 2027-06-01T00:00:00.000Z",
    );
  });

  it("repeating schedules: @every in seconds (or ms), a 6-field cron or an alias, a time zone; 2.14+", () => {
    expect(resolveSchedule("s.a", { target: "s.out", everyMs: 5000 }, "2.14.0").schedule).toBe(
      "@every 5s",
    );
    expect(resolveSchedule("s.a", { target: "s.out", everyMs: 1500 }, "2.14.0").schedule).toBe(
      "@every 1500ms",
    );
    expect(
      resolveSchedule(
        "s.a",
        { target: "s.out", cron: " 0  30 9 * * 1-5 ", timeZone: "Europe/Paris" },
        "2.15.3",
      ).headers,
    ).toEqual([
      ["Nats-Schedule", "0 30 9 * * 1-5"],
      ["Nats-Schedule-Target", "s.out"],
      ["Nats-Schedule-Time-Zone", "Europe/Paris"],
    ]);
    expect(resolveSchedule("s.a", { target: "s.out", cron: "@hourly" }, "2.14.0").schedule).toBe(
      "@hourly",
    );
  });

  it("refuses a one-shot before 2.12 and a repeating schedule before 2.14, by the reported version", () => {
    expect(() => resolveSchedule("s.a", { target: "s.out", delayMs: 1 }, "2.11.9")).toThrow(
      new UnsupportedFeatureError("scheduled messages", "2.12.0", "2.11.9"),
    );
    for (const options of [{ everyMs: 1000 }, { cron: "@daily" }]) {
      expect(() => resolveSchedule("s.a", { target: "s.out", ...options }, "2.12.0")).toThrow(
        new UnsupportedFeatureError(
          "repeating scheduled messages (cron, @every)",
          "2.14.0",
          "2.12.0",
        ),
      );
    }
    // No version (a closed or draining connection, which the send refuses): nothing to check.
    expect(
      resolveSchedule("s.a", { target: "s.out", delayMs: 1 }, undefined, { now: 0 }).schedule,
    ).toBe("@at 1970-01-01T00:00:00.001Z");
  });

  it("bad input is a ValidationError before the version is looked at", () => {
    expect(() => resolveSchedule("s.a", { target: "s.out", cron: "1 2 3" }, "2.9.10")).toThrow(
      ValidationError,
    );
    expect(() => resolveSchedule("s.a", { target: "s.a", delayMs: 1 }, "2.9.10")).toThrow(
      ValidationError,
    );
  });
});
