import { ProxyTracerProvider, propagation, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { createIdleCheck } from "./idle.js";
import { messagingMetrics } from "./metrics.js";
import { resolveOtelOptions } from "./options.js";

afterEach(() => {
  trace.disable();
  propagation.disable();
});

describe("createIdleCheck", () => {
  it("idle with no SDK, no propagator and no meter; not once a tracer provider is registered", () => {
    const idle = createIdleCheck(resolveOtelOptions({}), undefined);
    expect(idle()).toBe(true);
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    expect(idle()).toBe(false);
    trace.disable();
    expect(idle()).toBe(true);
  });

  it("a registered provider counts as work even when it records nothing", () => {
    const idle = createIdleCheck(resolveOtelOptions({}), undefined);
    trace.setGlobalTracerProvider(new ProxyTracerProvider());
    expect(idle()).toBe(false);
  });

  it("a global propagator alone is work: context passes through messages", () => {
    const idle = createIdleCheck(resolveOtelOptions({}), undefined);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    expect(idle()).toBe(false);
  });

  it("never idle with providers, a propagator or a meter given", () => {
    const given = [
      { tracerProvider: new BasicTracerProvider() },
      { propagator: new W3CTraceContextPropagator() },
    ];
    for (const options of given)
      expect(createIdleCheck(resolveOtelOptions(options), undefined)()).toBe(false);
    const metrics = messagingMetrics(new MeterProvider(), "t");
    expect(metrics).toBeDefined();
    expect(createIdleCheck(resolveOtelOptions({}), metrics)()).toBe(false);
  });
});
