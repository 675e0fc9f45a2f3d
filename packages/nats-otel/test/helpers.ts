import { randomUUID } from "node:crypto";
import { type Connection, connect } from "@helix/nats-core";
import { context, type SpanContext } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "@opentelemetry/core";
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { expect, inject } from "vitest";
import { type OtelOptions, otel } from "../src/index.js";

/**
 * Makes `context.with` carry across awaits, as the Node SDK's `register()` does. Global, set once
 * per test file (a second call is ignored by the API).
 */
export function useAsyncContext(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

/** The W3C trace context + baggage propagator the Node SDK installs by default. */
export function w3cPropagator(): CompositePropagator {
  return new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
}

/** An SDK wired to in-memory exporters: every finished span, every metric point. */
export interface Sdk {
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  readonly propagator: CompositePropagator;
  /** Finished spans so far. */
  spans(): ReadableSpan[];
  /** Finished spans with this name. */
  named(name: string): ReadableSpan[];
  /** Collects and returns the metric with this name (cumulative), or `undefined`. */
  metric(name: string): Promise<MetricData | undefined>;
  reset(): void;
  shutdown(): Promise<void>;
}

export function createSdk(): Sdk {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spanExporter)],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    propagator: w3cPropagator(),
    spans: () => spanExporter.getFinishedSpans(),
    named: (name) => spanExporter.getFinishedSpans().filter((s) => s.name === name),
    async metric(name) {
      metricExporter.reset();
      await reader.forceFlush();
      const batches = metricExporter.getMetrics();
      const last = batches[batches.length - 1];
      for (const scope of last?.scopeMetrics ?? []) {
        for (const m of scope.metrics) if (m.descriptor.name === name) return m;
      }
      return undefined;
    },
    reset: () => {
      spanExporter.reset();
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/**
 * The only finished span named `name`. Fails when there are none or several, listing the names of
 * every finished span.
 */
export function onlySpan(sdk: Sdk, name: string): ReadableSpan {
  const spans = sdk.named(name);
  expect(
    spans.length,
    `spans named "${name}" among the finished spans: ${sdk
      .spans()
      .map((s) => s.name)
      .join(", ")}`,
  ).toBe(1);
  return spans[0] as ReadableSpan;
}

/** Host and port of the shared test server, as spans and metric points must report them. */
export function sharedServer(): { address: string; port: number } {
  const url = new URL(inject("natsUrl"));
  return { address: url.hostname, port: Number(url.port) };
}

/** Options wiring the plugin to `sdk`. */
export function sdkOptions(sdk: Sdk, extra: OtelOptions = {}): OtelOptions {
  return {
    tracerProvider: sdk.tracerProvider,
    meterProvider: sdk.meterProvider,
    propagator: sdk.propagator,
    ...extra,
  };
}

/** A connection to the shared test server with the otel plugin wired to `sdk`. */
export async function connectTraced(
  sdk: Sdk,
  extra: OtelOptions = {},
  name = "otel-int",
): Promise<Connection> {
  return connect({ addresses: [inject("natsUrl")], name, plugins: [otel(sdkOptions(sdk, extra))] });
}

/** A fresh stream `name` with subjects `name.>`, made with the raw client (so untraced). */
export async function createStream(conn: Connection): Promise<string> {
  const name = `S${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const jsm = await conn.manager();
  await jsm.streams.add({ name, subjects: [`${name}.>`] });
  return name;
}

/** Deletes streams with the raw client, ignoring those already gone. */
export async function deleteStreams(conn: Connection, names: readonly string[]): Promise<void> {
  const jsm = await conn.manager();
  for (const name of names) await jsm.streams.delete(name).catch(() => {});
}

/** Points of a metric whose attributes include every given one. */
export function pointsWith(
  metric: MetricData | undefined,
  attrs: Record<string, unknown>,
): DataPoint<unknown>[] {
  if (metric === undefined) return [];
  return (metric.dataPoints as DataPoint<unknown>[]).filter((p) =>
    Object.entries(attrs).every(([k, v]) => p.attributes[k] === v),
  );
}

/** The parent span id of a finished span (SDK 2 names it `parentSpanContext`). */
export function parentOf(span: ReadableSpan): SpanContext | undefined {
  return span.parentSpanContext;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it returns true or `ms` passes. */
export async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(10);
  }
}
