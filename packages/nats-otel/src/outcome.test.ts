import {
  type ClientInfo,
  KeyExistsError,
  NotFoundError,
  type Operation,
  TimeoutError,
  WrongRevisionError,
} from "@helix/nats-core";
import { SpanStatusCode } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { errorType, expectedOutcome, recordFailure, recordOutcome } from "./outcome.js";

const client: ClientInfo = { name: "t", serverAddress: "127.0.0.1", serverPort: 4222 };
const kv = (kind: "kv.create" | "kv.update"): Operation => ({
  kind,
  client,
  bucket: "b",
  key: "k",
});

describe("errorType", () => {
  it("is the helix-nats code, else the class name, else _OTHER", () => {
    expect(errorType(new TimeoutError("slow"))).toBe("TIMEOUT");
    expect(errorType(new NotFoundError("stream", "S"))).toBe("NOT_FOUND");
    expect(errorType(new TypeError("x"))).toBe("TypeError");
    expect(errorType("a string")).toBe("_OTHER");
    expect(errorType(undefined)).toBe("_OTHER");
    expect(errorType({ name: "LooksLikeAnError", message: "x" })).toBe("_OTHER");
  });

  it("a plain Error is its class name, Error, as the README and the conventions say", () => {
    // The conventions: "When error.type is set to a type (e.g., an exception type), its canonical
    // class name identifying the type within the artifact SHOULD be used"; `_OTHER` is the
    // fallback "when the instrumentation doesn't define a custom value". This used to be `_OTHER`.
    expect(errorType(new Error("payment declined for order 42"))).toBe("Error");
  });

  it("a subclass keeping the inherited name is its class name; one setting name, that", () => {
    class PaymentDeclined extends Error {}
    class Named extends Error {
      override name = "CardExpired";
    }
    expect(new PaymentDeclined("x").name).toBe("Error");
    expect(errorType(new PaymentDeclined("x"))).toBe("PaymentDeclined");
    expect(errorType(new Named("x"))).toBe("CardExpired");
  });

  it("an error whose name is empty or not a string falls back to _OTHER", () => {
    const nameless = new Error("x");
    nameless.name = "";
    const numbered = Object.assign(new Error("x"), { name: 42 as unknown as string });
    expect(errorType(nameless)).toBe("_OTHER");
    expect(errorType(numbered)).toBe("_OTHER");
  });
});

describe("expectedOutcome", () => {
  it("kv.create of an existing key is an answer, not a failure", () => {
    expect(expectedOutcome(kv("kv.create"), new KeyExistsError("k"))).toBe("key_exists");
  });

  it("other failures are failures", () => {
    expect(expectedOutcome(kv("kv.update"), new KeyExistsError("k"))).toBeUndefined();
    expect(expectedOutcome(kv("kv.create"), new WrongRevisionError("stale"))).toBeUndefined();
    expect(expectedOutcome(kv("kv.create"), new Error("x"))).toBeUndefined();
  });
});

describe("recording on a span", () => {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  }).getTracer("t");

  it("a failure sets ERROR with the message, error.type and the exception", () => {
    exporter.reset();
    const span = tracer.startSpan("s");
    recordFailure(span, new TimeoutError("no answer in 5000 ms"), "TIMEOUT");
    span.end();
    const [done] = exporter.getFinishedSpans();
    expect(done?.status).toEqual({ code: SpanStatusCode.ERROR, message: "no answer in 5000 ms" });
    expect(done?.attributes["error.type"]).toBe("TIMEOUT");
    expect(done?.events.map((e) => e.name)).toEqual(["exception"]);
    // The SDK prefers an error's string `code` over its name for `exception.type`.
    expect(done?.events[0]?.attributes?.["exception.type"]).toBe("TIMEOUT");
    expect(done?.events[0]?.attributes?.["exception.message"]).toBe("no answer in 5000 ms");
  });

  it("a thrown non-error is recorded by its text", () => {
    exporter.reset();
    const span = tracer.startSpan("s");
    recordFailure(span, "plain", "_OTHER");
    span.end();
    const [done] = exporter.getFinishedSpans();
    expect(done?.status.message).toBe("plain");
    expect(done?.events[0]?.attributes?.["exception.message"]).toBe("plain");
  });

  it("an outcome leaves the status UNSET", () => {
    exporter.reset();
    const span = tracer.startSpan("s");
    recordOutcome(span, "key_exists");
    span.end();
    const [done] = exporter.getFinishedSpans();
    expect(done?.status.code).toBe(SpanStatusCode.UNSET);
    expect(done?.attributes["messaging.nats.kv.outcome"]).toBe("key_exists");
    expect(done?.events).toEqual([]);
  });
});
