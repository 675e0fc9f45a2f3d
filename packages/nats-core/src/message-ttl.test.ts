import { describe, expect, it } from "vitest";
import { UnsupportedFeatureError, ValidationError } from "./errors.js";
import { assertTtlMs, requireMessageTtl, ttlHeaderValue } from "./message-ttl.js";

describe("message TTL (shared by stream publishes and key-value writes)", () => {
  it("names the field it checks (ttlMs by default)", () => {
    let err: unknown;
    try {
      assertTtlMs(1500, "options.ttlMs");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({
      field: "options.ttlMs",
      value: 1500,
      message:
        'options.ttlMs must be a whole number of seconds in milliseconds, at least 1000 (the server counts a message TTL in seconds), or "never", got 1500',
    });
    expect(() => assertTtlMs(2000)).not.toThrow();
    expect(() => assertTtlMs("never")).not.toThrow();
  });

  it("formats the header value and refuses servers before 2.11", () => {
    expect([ttlHeaderValue(1000), ttlHeaderValue(3_600_000), ttlHeaderValue("never")]).toEqual([
      "1s",
      "3600s",
      "never",
    ]);
    expect(() => requireMessageTtl("2.11.0")).not.toThrow();
    expect(() => requireMessageTtl("2.10.9")).toThrow(
      new UnsupportedFeatureError("per-message TTL", "2.11.0", "2.10.9"),
    );
  });
});
