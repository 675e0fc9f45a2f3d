import { randomBytes } from "node:crypto";
import { type Config, type Connection, connect } from "@helix/nats-core";
import { type Attributes, type Span, SpanStatusCode } from "@opentelemetry/api";
import type { DataPoint, Histogram, MetricData } from "@opentelemetry/sdk-metrics";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, expect, inject } from "vitest";
import { type OtelOptions, otel } from "../src/index.js";
import {
  createSdk,
  onlySpan,
  type Sdk,
  sdkOptions,
  sharedServer,
  until,
  useAsyncContext,
} from "./helpers.js";

/** A unique name (stream, bucket, consumer) per test. */
export function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(5).toString("hex")}`;
}

/** `server.address` and `server.port` of the shared server, as span and point attributes. */
export function serverAttrs(): Attributes {
  const { address, port } = sharedServer();
  return { "server.address": address, "server.port": port };
}

/** A connection to `url` (default: the shared server) with the otel plugin wired to `sdk`. */
export async function connectWith(
  sdk: Sdk,
  options: { url?: string; name?: string; otel?: OtelOptions; config?: Config } = {},
): Promise<Connection> {
  return connect({
    addresses: [options.url ?? inject("natsUrl")],
    name: options.name ?? "otel-mgmt",
    plugins: [otel(sdkOptions(sdk, options.otel))],
    ...options.config,
  });
}

/** Waits for a span named `name`, then returns the only one. */
export async function waitForSpan(sdk: Sdk, name: string): Promise<ReadableSpan> {
  await until(() => sdk.named(name).length > 0);
  return onlySpan(sdk, name);
}

/** Asserts `span` succeeded: status UNSET without message, no `error.type`, no events. */
export function expectUnset(span: ReadableSpan): void {
  expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
  expect(span.attributes["error.type"]).toBeUndefined();
  expect(span.events).toEqual([]);
}

/**
 * Asserts `span` failed with `err`: status ERROR with the error's message, `error.type`, and one
 * `exception` event carrying the error's type and message.
 */
export function expectFailedWith(span: ReadableSpan, err: unknown, errorType: string): void {
  expect(err).toBeInstanceOf(Error);
  const error = err as Error;
  expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message });
  expect(span.attributes["error.type"]).toBe(errorType);
  expect(span.events.map((e) => e.name)).toEqual(["exception"]);
  const event = span.events[0];
  expect(event?.attributes?.["exception.message"]).toBe(error.message);
  expect(event?.attributes?.["exception.type"]).toBe(
    (error as { code?: string }).code ?? error.name,
  );
  expect(typeof event?.attributes?.["exception.stacktrace"]).toBe("string");
}

/** Runs `fn` inside a fresh active span of `sdk`'s tracer; returns the span and the result. */
export async function insideSpan<R>(
  sdk: Sdk,
  fn: () => Promise<R>,
): Promise<{ outer: Span; result: R }> {
  const tracer = sdk.tracerProvider.getTracer("test");
  return tracer.startActiveSpan("outer", async (outer) => {
    try {
      return { outer, result: await fn() };
    } finally {
      outer.end();
    }
  });
}

/** Asserts that `span` is a child of `parent` (same trace, parent span id). */
export function expectChildOf(span: ReadableSpan, parent: Span): void {
  const ctx = parent.spanContext();
  expect(span.spanContext().traceId).toBe(ctx.traceId);
  expect(span.parentSpanContext?.spanId).toBe(ctx.spanId);
}

/** Asserts that `span` has no parent (a root span). */
export function expectRoot(span: ReadableSpan): void {
  expect(span.parentSpanContext).toBeUndefined();
}

/** Histogram points of a metric, typed. */
export function histogramPoints(metric: MetricData | undefined): DataPoint<Histogram>[] {
  return (metric?.dataPoints ?? []) as DataPoint<Histogram>[];
}

/** Points whose attributes are exactly `attrs`. */
export function pointsExactly<T>(
  metric: MetricData | undefined,
  attrs: Record<string, unknown>,
): DataPoint<T>[] {
  const points = (metric?.dataPoints ?? []) as DataPoint<T>[];
  const want = JSON.stringify(sortKeys(attrs));
  return points.filter((p) => JSON.stringify(sortKeys(p.attributes)) === want);
}

function sortKeys(attrs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attrs).sort(([a], [b]) => a.localeCompare(b)));
}

/** The SDK and traced connection a file's tests share. */
export interface SharedTraced {
  readonly sdk: Sdk;
  readonly conn: Connection;
}

/**
 * Registers the hooks of a file whose tests share one SDK and one traced connection named
 * `client`: made before the first test (with the async context on), spans cleared before each
 * test, both closed after the last. Read `sdk` and `conn` inside tests, not at load time.
 */
export function sharedTraced(client: string): SharedTraced {
  let sdk: Sdk | undefined;
  let conn: Connection | undefined;
  beforeAll(async () => {
    useAsyncContext();
    sdk = createSdk();
    conn = await connectWith(sdk, { name: client });
  });
  beforeEach(() => sdk?.reset());
  afterAll(async () => {
    await conn?.close();
    await sdk?.shutdown();
  });
  return {
    get sdk() {
      if (sdk === undefined) throw new Error("the shared SDK exists once beforeAll has run");
      return sdk;
    },
    get conn() {
      if (conn === undefined)
        throw new Error("the shared connection exists once beforeAll has run");
      return conn;
    },
  };
}
