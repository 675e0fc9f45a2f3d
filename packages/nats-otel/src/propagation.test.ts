import { copyHeaders } from "@helix/nats-core";
import {
  context,
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "@opentelemetry/core";
import { describe, expect, it } from "vitest";
import { extractContext, injectContext, messageContext, resolvePropagator } from "./propagation.js";

const w3c = new CompositePropagator({
  propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
});
const TRACE = "0af7651916cd43dd8448eb211c80319c";
const SPAN = "b7ad6b7169203331";
const parent: SpanContext = { traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED };
const withParent = trace.setSpanContext(ROOT_CONTEXT, parent);

describe("injectContext", () => {
  it("writes Traceparent, Tracestate and Baggage in Go's casing", () => {
    const h = copyHeaders();
    const ctx = propagation.setBaggage(
      trace.setSpanContext(ROOT_CONTEXT, { ...parent, traceState: undefined }),
      propagation.createBaggage({ tenant: { value: "acme" } }),
    );
    injectContext(w3c, ctx, h);
    expect([...h.keys()].sort()).toEqual(["Baggage", "Traceparent"]);
    expect(h.get("Traceparent")).toBe(`00-${TRACE}-${SPAN}-01`);
    expect(h.get("Baggage")).toBe("tenant=acme");
  });

  it("never overwrites a trace header the caller set, in any casing", () => {
    const mine = `00-${"1".repeat(32)}-${"2".repeat(16)}-01`;
    const h = copyHeaders({ traceparent: mine, BAGGAGE: "k=v" });
    const ctx = propagation.setBaggage(
      withParent,
      propagation.createBaggage({ other: { value: "x" } }),
    );
    injectContext(w3c, ctx, h);
    expect(h.get("traceparent")).toBe(mine);
    expect(h.has("Traceparent")).toBe(false);
    expect(h.get("BAGGAGE")).toBe("k=v");
    expect(h.has("Baggage")).toBe(false);
  });

  it("keeps the caller's trace whole: no tracestate of ours beside their traceparent", () => {
    const recordGetter = {
      get: (c: Record<string, string>, k: string) => c[k],
      keys: (c: Record<string, string>) => Object.keys(c),
    };
    const stated = new W3CTraceContextPropagator().extract(
      ROOT_CONTEXT,
      { traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: "vendor=1" },
      recordGetter,
    );
    const probe = copyHeaders();
    injectContext(w3c, stated, probe);
    expect(probe.get("Tracestate")).toBe("vendor=1");

    const mine = `00-${"1".repeat(32)}-${"2".repeat(16)}-01`;
    const h = copyHeaders({ traceparent: mine });
    injectContext(w3c, stated, h);
    expect([...h.keys()]).toEqual(["traceparent"]);
    expect(h.get("traceparent")).toBe(mine);
  });

  it("a propagator that throws leaves the headers alone", () => {
    const h = copyHeaders({ a: "1" });
    injectContext(
      {
        inject() {
          throw new Error("broken");
        },
        extract: (c) => c,
      },
      withParent,
      h,
    );
    expect([...h.keys()]).toEqual(["a"]);
  });
});

describe("extractContext", () => {
  it("reads Go's casing, lower case and upper case alike", () => {
    for (const name of ["Traceparent", "traceparent", "TRACEPARENT"]) {
      const h = copyHeaders({ [name]: `00-${TRACE}-${SPAN}-01` });
      const sc = trace.getSpanContext(extractContext(w3c, h));
      expect(sc?.traceId).toBe(TRACE);
      expect(sc?.spanId).toBe(SPAN);
      expect(sc?.isRemote).toBe(true);
    }
  });

  it("ignores malformed values", () => {
    for (const value of [
      "garbage",
      `00-${"z".repeat(32)}-${SPAN}-01`,
      `00-${"0".repeat(32)}-${SPAN}-01`,
    ]) {
      const ctx = extractContext(w3c, copyHeaders({ Traceparent: value }));
      expect(trace.getSpanContext(ctx)).toBeUndefined();
    }
    const bad = extractContext(w3c, copyHeaders({ Baggage: "=;;%%%,=" }));
    expect(propagation.getBaggage(bad)?.getAllEntries() ?? []).toEqual([]);
  });

  it("starts from the root context, not the active one", () => {
    const ctx = context.with(withParent, () => extractContext(w3c, copyHeaders()));
    expect(trace.getSpanContext(ctx)).toBeUndefined();
    expect(extractContext(w3c, undefined)).toBe(ROOT_CONTEXT);
  });

  it("a propagator that throws gives the root context", () => {
    const broken = {
      inject() {},
      extract(): never {
        throw new Error("broken");
      },
    };
    expect(extractContext(broken, copyHeaders({ Traceparent: "x" }))).toBe(ROOT_CONTEXT);
  });

  it("messageContext reads a message's headers with the given propagator", () => {
    const msg = { headers: copyHeaders({ Traceparent: `00-${TRACE}-${SPAN}-01` }) };
    expect(trace.getSpanContext(messageContext(msg, w3c))?.spanId).toBe(SPAN);
  });

  it("without a propagator the global one is used", () => {
    expect(resolvePropagator(undefined)).toBe(propagation);
    expect(resolvePropagator(w3c)).toBe(w3c);
    const msg = { headers: copyHeaders({ Traceparent: `00-${TRACE}-${SPAN}-01` }) };
    // No global propagator registered: nothing is read.
    expect(trace.getSpanContext(messageContext(msg))).toBeUndefined();
    propagation.setGlobalPropagator(w3c);
    try {
      expect(trace.getSpanContext(messageContext(msg))?.traceId).toBe(TRACE);
    } finally {
      propagation.disable();
    }
  });
});
