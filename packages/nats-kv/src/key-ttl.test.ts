import { UnsupportedFeatureError, ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { assertLimitMarkerTtlMs, requireLimitMarkers, writeTtl } from "./key-ttl.js";

const context = { operation: "kv.put", bucket: "b", serverVersion: "2.11.0", allowMsgTtl: true };

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe("per-key TTL", () => {
  it("sends a checked ttlMs as its Nats-TTL value; none when none was given", () => {
    expect(writeTtl(undefined, context)).toBeUndefined();
    expect(writeTtl(1000, context)).toBe("1s");
    expect(writeTtl(90_000, context)).toBe("90s");
    expect(writeTtl("never", context)).toBe("never");
    // no TTL asked: nothing is checked, an old server or a plain bucket writes as before
    expect(writeTtl(undefined, { ...context, serverVersion: "2.9.10", allowMsgTtl: false })).toBe(
      undefined,
    );
  });

  it("checks the value, then the server's version, then the bucket", () => {
    const bad = thrown(() => writeTtl(1500, { ...context, serverVersion: "2.9.10" }));
    expect(bad).toBeInstanceOf(ValidationError);
    expect(bad).toMatchObject({ field: "ttlMs", value: 1500 });
    const old = thrown(() =>
      writeTtl(1000, { ...context, serverVersion: "2.10.4", allowMsgTtl: false }),
    );
    expect(old).toEqual(new UnsupportedFeatureError("per-message TTL", "2.11.0", "2.10.4"));
    expect(thrown(() => writeTtl(1000, { ...context, serverVersion: undefined }))).toBeInstanceOf(
      UnsupportedFeatureError,
    );
    const plain = thrown(() => writeTtl("never", { ...context, allowMsgTtl: false }));
    expect(plain).toBeInstanceOf(ValidationError);
    expect(plain).toMatchObject({
      field: "ttlMs",
      message:
        'kv.put: bucket "b" does not allow per-key TTLs: create it with limitMarkerTtlMs (nats-server 2.11+)',
    });
  });

  it("takes limitMarkerTtlMs in whole seconds from 1000 ms, and refuses it before 2.11", () => {
    for (const ok of [undefined, 1000, 60_000])
      expect(() => assertLimitMarkerTtlMs(ok)).not.toThrow();
    expect(thrown(() => assertLimitMarkerTtlMs(1500))).toMatchObject({
      name: "ValidationError",
      field: "limitMarkerTtlMs",
      message:
        "limitMarkerTtlMs must be a whole number of seconds in milliseconds (the server keeps markers for whole seconds), got 1500",
    });
    for (const bad of [0, 999, -1000, 1.5, "1s", null]) {
      expect(thrown(() => assertLimitMarkerTtlMs(bad))).toBeInstanceOf(ValidationError);
    }
    expect(() => requireLimitMarkers("2.11.0")).not.toThrow();
    expect(thrown(() => requireLimitMarkers("2.9.10"))).toEqual(
      new UnsupportedFeatureError("KV limit markers", "2.11.0", "2.9.10"),
    );
  });
});
