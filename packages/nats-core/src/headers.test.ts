import { headers } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import {
  canonicalHeaderName,
  copyHeaders,
  deleteHeader,
  getHeader,
  getHeaderValues,
  hasHeader,
  setHeader,
  setHeaderIfAbsent,
} from "./headers.js";

describe("header helpers", () => {
  it("read a header whatever its casing, and undefined when absent", () => {
    const h = headers();
    h.set("traceparent", "00-a-b-01");
    expect(getHeader(h, "Traceparent")).toBe("00-a-b-01");
    expect(getHeader(h, "TRACEPARENT")).toBe("00-a-b-01");
    expect(hasHeader(h, "TraceParent")).toBe(true);
    expect(getHeader(h, "baggage")).toBeUndefined();
    expect(getHeader(undefined, "baggage")).toBeUndefined();
    expect(hasHeader(undefined, "baggage")).toBe(false);
  });

  it("prefer the exact casing when a header is present in several", () => {
    const h = headers();
    h.append("traceparent", "lower");
    h.append("Traceparent", "canonical");
    expect(getHeader(h, "Traceparent")).toBe("canonical");
    expect(getHeader(h, "traceparent")).toBe("lower");
    expect(getHeader(h, "TRACEPARENT")).toBe("lower"); // the first in another casing
    expect(setHeaderIfAbsent(h, "TraceParent", "x")).toBe(false);
  });

  it("keep an empty value distinct from an absent header", () => {
    const h = headers();
    h.set("X-Empty", "");
    expect(getHeader(h, "x-empty")).toBe("");
  });

  it("collect values across casings", () => {
    const h = headers();
    h.append("x-a", "1");
    h.append("X-A", "2");
    expect(getHeaderValues(h, "X-a").sort()).toEqual(["1", "2"]);
  });

  it("write under the canonical casing Go reads, replacing other casings", () => {
    const h = headers();
    h.set("traceparent", "old");
    setHeader(h, "traceparent", "new");
    expect(h.keys()).toEqual(["Traceparent"]);
    expect(h.get("Traceparent")).toBe("new");
    expect(canonicalHeaderName("nats-msg-id")).toBe("Nats-Msg-Id");
    expect(canonicalHeaderName("tracestate")).toBe("Tracestate");
  });

  it("never overwrite with setHeaderIfAbsent", () => {
    const h = headers();
    h.set("TRACEPARENT", "mine");
    expect(setHeaderIfAbsent(h, "traceparent", "theirs")).toBe(false);
    expect(getHeader(h, "traceparent")).toBe("mine");
    expect(setHeaderIfAbsent(h, "baggage", "k=v")).toBe(true);
    expect(h.get("Baggage")).toBe("k=v");
  });

  it("delete every casing", () => {
    const h = headers();
    h.set("baggage", "1");
    h.set("Baggage", "2");
    deleteHeader(h, "BAGGAGE");
    expect(h.keys()).toEqual([]);
  });

  it("copy without sharing: writes to the copy never reach the original", () => {
    const original = headers();
    original.append("X-Multi", "1");
    original.append("X-Multi", "2");
    const copy = copyHeaders(original);
    setHeader(copy, "traceparent", "00-x");
    copy.append("X-Multi", "3");
    expect(original.keys()).toEqual(["X-Multi"]);
    expect(original.values("X-Multi")).toEqual(["1", "2"]);
    expect(copy.values("X-Multi")).toEqual(["1", "2", "3"]);
  });

  it("copy from a plain record, and from nothing", () => {
    const copy = copyHeaders({ "content-type": "application/json", "x-list": ["a", "b"] });
    expect(getHeader(copy, "Content-Type")).toBe("application/json");
    expect(getHeaderValues(copy, "x-list")).toEqual(["a", "b"]);
    expect(copyHeaders().keys()).toEqual([]);
  });
});
