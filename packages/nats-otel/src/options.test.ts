import { ConfigError, isHelixError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { resolveOtelOptions } from "./options.js";

function reasonsOf(options: unknown) {
  try {
    resolveOtelOptions(options);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).reasons;
  }
  throw new Error("expected a ConfigError");
}

describe("resolveOtelOptions", () => {
  it("fills in defaults", () => {
    expect(resolveOtelOptions(undefined)).toEqual({
      tracerProvider: undefined,
      meterProvider: undefined,
      propagator: undefined,
      processParent: "parent",
      destination: undefined,
      recordBodySize: false,
      settleSpans: true,
    });
  });

  it("keeps what is given", () => {
    const destination = (s: string) => s;
    const tracerProvider = { getTracer: () => ({}) };
    const r = resolveOtelOptions({
      processParent: "link",
      recordBodySize: true,
      settleSpans: false,
      destination,
      tracerProvider,
    });
    expect(r.processParent).toBe("link");
    expect(r.recordBodySize).toBe(true);
    expect(r.settleSpans).toBe(false);
    expect(r.destination).toBe(destination);
    expect(r.tracerProvider).toBe(tracerProvider);
  });

  it("lists every problem with its path in one ConfigError", () => {
    const reasons = reasonsOf({
      processParent: "child",
      destination: "orders.*",
      recordBodySize: "yes",
      settleSpan: false,
      tracerProvider: {},
      meterProvider: { getMeter: 1 },
      propagator: { inject() {} },
    });
    expect(reasons.map((r) => r.path)).toEqual([
      ["otel", "settleSpan"],
      ["otel", "tracerProvider"],
      ["otel", "meterProvider"],
      ["otel", "propagator"],
      ["otel", "processParent"],
      ["otel", "destination"],
      ["otel", "recordBodySize"],
    ]);
    expect(reasons[0]?.message).toBe('unknown option "settleSpan"');
    expect(reasons[3]?.message).toBe(
      "propagator must be an object with inject and extract methods",
    );
  });

  it("rejects options that are not an object", () => {
    for (const bad of [null, 3, "x", []]) {
      const reasons = reasonsOf(bad);
      expect(reasons).toEqual([{ message: "otel options must be an object", path: ["otel"] }]);
    }
  });

  it("the error is a helix-nats error with the config code", () => {
    try {
      resolveOtelOptions({ settleSpans: 1 });
      expect.unreachable();
    } catch (err) {
      expect(isHelixError(err) && err.code).toBe("CONFIG_INVALID");
      expect((err as Error).message).toContain(
        "settleSpans must be a boolean (at Config > otel > settleSpans)",
      );
    }
  });
});
