import { ValidationError } from "@helix/nats-core";
import { recordOperations, uniqueName } from "@helix/nats-testing/vitest";
import { describe, expect, it } from "vitest";
import { createStreamManager, type StreamCreateConfig } from "../src/index.js";
import { connectForFile } from "./helpers.js";

const connection = connectForFile("stream-int-durations");

const SECOND_IN_NANOS = 1_000_000_000;

describe("stream durations", () => {
  it("takes maxAgeMs and duplicateWindowMs in milliseconds on create and update; the server stores nanoseconds", async () => {
    const streams = createStreamManager(connection());
    const name = uniqueName("DURMS");
    const created = await streams.create({
      name,
      subjects: [`${name}.>`],
      maxAgeMs: 60_000,
      duplicateWindowMs: 30_000,
    });
    try {
      expect(created.config.max_age).toBe(60 * SECOND_IN_NANOS);
      expect(created.config.duplicate_window).toBe(30 * SECOND_IN_NANOS);
      expect(created.config).not.toHaveProperty("maxAgeMs");
      const updated = await streams.update({ name, maxAgeMs: 120_000 });
      expect(updated.config.max_age).toBe(120 * SECOND_IN_NANOS);
      expect(updated.config.duplicate_window).toBe(30 * SECOND_IN_NANOS);
      const info = await (await streams.get(name)).info();
      expect(info.config.max_age).toBe(120 * SECOND_IN_NANOS);
      // nanoseconds of at least a millisecond are still taken as they are
      const hour = 3_600 * SECOND_IN_NANOS;
      expect((await streams.update({ name, max_age: hour })).config.max_age).toBe(hour);
    } finally {
      await streams.delete(name);
    }
  });

  it("refuses a nanosecond field under 1 ms, and a field given in both units, before any I/O", async () => {
    const conn = connection();
    const streams = createStreamManager(conn);
    const name = uniqueName("DURNS");
    const ops = recordOperations(conn, `record-${name}`);
    try {
      const cases: [StreamCreateConfig, string, string][] = [
        [
          { name, max_age: 60_000 },
          "max_age",
          "max_age is in nanoseconds, the server's unit: 60000 is 60 µs, surely a unit mistake. Use maxAgeMs (milliseconds) instead, or write the nanoseconds",
        ],
        [
          { name, duplicate_window: 120_000 },
          "duplicate_window",
          "duplicate_window is in nanoseconds, the server's unit: 120000 is 120 µs, surely a unit mistake. Use duplicateWindowMs (milliseconds) instead, or write the nanoseconds",
        ],
        [
          { name, maxAgeMs: 1_000, max_age: SECOND_IN_NANOS },
          "maxAgeMs",
          "give either maxAgeMs (milliseconds) or max_age (nanoseconds), not both",
        ],
        [{ name, maxAgeMs: -1 }, "maxAgeMs", "maxAgeMs must be a non-negative integer, got -1"],
        [
          { name, duplicateWindowMs: 1.5 },
          "duplicateWindowMs",
          "duplicateWindowMs must be a non-negative integer, got 1.5",
        ],
      ];
      for (const [config, field, message] of cases) {
        for (const call of [() => streams.create(config), () => streams.update(config)]) {
          const err = await call().catch((e: unknown) => e);
          expect(err, message).toBeInstanceOf(ValidationError);
          expect(err).toMatchObject({ field, message });
        }
      }
      expect(ops).toEqual([]);
    } finally {
      conn.middleware.remove(`record-${name}`);
    }
  });
});
