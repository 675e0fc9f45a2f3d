import { ValidationError } from "@helix/nats-core";
import { headers } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { prepareMessage } from "./publish-message.js";

const settings = { maxPayload: 1024, generateMsgID: true };

describe("prepareMessage", () => {
  it("copies the caller's headers into a fresh object and never mutates them", () => {
    const h = headers();
    h.set("X-A", "1");
    const m = prepareMessage("a.b", { x: 1 }, { headers: h }, settings);
    expect(m.headers).not.toBe(h);
    expect([...h.keys()]).toEqual(["X-A"]);
    expect(m.headers.get("X-A")).toBe("1");
    expect(m.headers.get("Content-Type")).toBe("application/json");
    expect(m.headers.get("Nats-Msg-Id")).toBe(m.msgID);
  });

  it("sends traceparent, tracestate and baggage in Go's casing, in place, keeping the canonical one when both are set", () => {
    const h = headers();
    h.set("x-first", "1");
    h.set("traceparent", "00-a-b-01");
    h.set("TRACESTATE", "k=v");
    h.append("baggage", "a=1");
    h.append("baggage", "b=2");
    h.set("Baggage", "kept=1");
    const m = prepareMessage("a.b", "x", { headers: h, msgID: "m" }, settings);
    expect([...m.headers]).toEqual([
      ["x-first", ["1"]],
      ["Traceparent", ["00-a-b-01"]],
      ["Tracestate", ["k=v"]],
      ["Baggage", ["kept=1"]],
      ["Nats-Msg-Id", ["m"]],
    ]);
    expect([...h.keys()]).toEqual(["x-first", "traceparent", "TRACESTATE", "baggage", "Baggage"]);
    // already canonical: the copy is sent as it is
    const canonical = prepareMessage("a.b", "x", { headers: { Traceparent: "t" } }, settings);
    expect(canonical.headers.get("Traceparent")).toBe("t");
  });

  it("builds the same headers without caller headers as with empty ones (the fast path)", () => {
    for (const [data, options] of [
      [{ x: 1 }, {}],
      ["x", { msgID: "m-1" }],
      [new Uint8Array([1]), { expect: { lastSequence: 3, stream: "S" } }],
    ] as const) {
      const fast = prepareMessage("a.b", data, options, settings);
      const slow = prepareMessage("a.b", data, { ...options, headers: {} }, settings);
      const entries = (m: typeof fast) =>
        [...m.headers].map(([k, v]) => [k, k === "Nats-Msg-Id" ? ["<id>"] : v]);
      expect(entries(fast)).toEqual(entries(slow));
      expect(fast.headers.get("Nats-Msg-Id")).toBe(fast.msgID);
      if (options.msgID) expect(fast.msgID).toBe("m-1");
    }
    const none = prepareMessage("a.b", "x", {}, { maxPayload: 1024, generateMsgID: false });
    expect(none.msgID).toBeUndefined();
    expect([...none.headers.keys()]).toEqual([]);
  });

  it("keeps a caller's Content-Type and takes the msgID from the option, a header, or a NUID", () => {
    const m1 = prepareMessage(
      "a.b",
      { x: 1 },
      { headers: { "content-type": "application/cloudevents+json" } },
      settings,
    );
    expect(m1.headers.values("content-type")).toEqual(["application/cloudevents+json"]);
    expect(m1.headers.has("Content-Type")).toBe(false);

    const m2 = prepareMessage(
      "a.b",
      "x",
      { msgID: "opt", headers: { "nats-msg-id": "hdr" } },
      settings,
    );
    expect(m2.msgID).toBe("opt");
    expect(m2.headers.get("Nats-Msg-Id")).toBe("opt");
    expect(m2.headers.has("nats-msg-id")).toBe(false);

    const m3 = prepareMessage("a.b", "x", { headers: { "nats-msg-id": "hdr" } }, settings);
    expect(m3.msgID).toBe("hdr");

    const a = prepareMessage("a.b", "x", {}, settings);
    const b = prepareMessage("a.b", "x", {}, settings);
    expect(a.msgID).toMatch(/^\w{22}$/);
    expect(a.msgID).not.toBe(b.msgID);
    expect(prepareMessage("a.b", "x", {}, { ...settings, generateMsgID: false }).msgID).toBe(
      undefined,
    );
  });

  it("writes expectations as JetStream headers", () => {
    const m = prepareMessage(
      "a.b",
      "x",
      { expect: { stream: "S", lastSequence: 0, lastSubjectSequence: 7, lastMsgID: "m" } },
      settings,
    );
    expect(m.headers.get("Nats-Expected-Stream")).toBe("S");
    expect(m.headers.get("Nats-Expected-Last-Sequence")).toBe("0");
    expect(m.headers.get("Nats-Expected-Last-Subject-Sequence")).toBe("7");
    expect(m.headers.get("Nats-Expected-Last-Msg-Id")).toBe("m");
  });

  it("validates subject, options and size", () => {
    const bad: [string, unknown, object][] = [
      ["", "x", {}],
      ["a..b", "x", {}],
      ["a.*", "x", {}],
      ["a >", "x", {}],
      ["a.b", new Uint8Array(1025), {}],
      ["a.b", "x", { msgID: 3 }],
      ["a.b", "x", { timeoutMs: -5 }],
      ["a.b", "x", { expect: { lastSubjectSequence: 1.5 } }],
      ["a.b", "x", { expect: { lastMsgID: "" } }],
    ];
    for (const [subject, data, options] of bad) {
      expect(() => prepareMessage(subject, data as string, options, settings), subject).toThrow(
        ValidationError,
      );
    }
  });

  it("rejects bad header names and values with ValidationError naming headers", () => {
    for (const bad of [
      { "X-A": "a\r\nb" },
      { "X-Ü": "x" },
      { "a b": "x" },
      { "": "x" },
      "X-A: 1",
      null,
    ]) {
      let err: unknown;
      try {
        prepareMessage("a.b", "x", { headers: bad as never }, settings);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(bad)).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe("headers");
    }
  });
});
