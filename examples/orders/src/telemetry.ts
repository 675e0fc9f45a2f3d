// The OpenTelemetry SDK of the demo. Spans and metrics are always collected in memory, for the
// waterfall and the metrics summary printed at the end; with an OTLP endpoint they are also
// exported over OTLP/HTTP, so the same traces show up in Jaeger or Grafana.

import { hostname } from "node:os";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "@opentelemetry/core";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AggregationTemporality,
  AggregationType,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  type MetricReader,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { KeptTraces } from "./kept-traces.js";

/** How long one OTLP export may take (retries included): an unreachable collector must not hold up the exit. */
const EXPORT_TIMEOUT_MS = 2_000;

/** Traces kept in memory for the waterfall (the first ones seen; every order is a trace). */
const KEPT_TRACES = 500;

/**
 * Bucket bounds (seconds) for `messaging.process.duration` in this demo: finer than the semantic
 * conventions' advice (which starts at 5 ms) so that p50/p99 of sub-millisecond handlers mean
 * something. A view on the demo's own provider; the plugin's defaults are untouched.
 */
export const PROCESS_DURATION_BUCKETS = [
  0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.015, 0.02,
  0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export interface Telemetry {
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  readonly propagator: CompositePropagator;
  /** Where spans and metrics are exported besides memory, or `undefined`. */
  readonly otlp: string | undefined;
  /** The finished spans of the first traces (see `KeptTraces`). */
  spans(): ReadableSpan[];
  /** Collects the metrics now (cumulative) and returns them. */
  collectMetrics(): Promise<MetricData[]>;
  /** Flushes the exporters and shuts the providers down. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Sets up the SDK. Registers the async-hooks context manager globally, so that what a handler
 * does (its KV put, its publish, its ack) becomes a child of its `process` span.
 */
export function setupTelemetry(serviceName: string, otlp: string | undefined): Telemetry {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // host.name: without it a backend such as Jaeger takes every span for another host's and
  // flags a consumer span that starts after its producer's send ended as clock skew.
  const resource = resourceFromAttributes({ "service.name": serviceName, "host.name": hostname() });

  const kept = new KeptTraces(KEPT_TRACES);
  const spanProcessors: SpanProcessor[] = [kept];
  if (otlp !== undefined) {
    spanProcessors.push(
      new BatchSpanProcessor(
        new OTLPTraceExporter({ url: `${otlp}/v1/traces`, timeoutMillis: EXPORT_TIMEOUT_MS }),
      ),
    );
  }
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors });

  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const memoryReader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000, // collected on demand, at the end
  });
  const readers: MetricReader[] = [memoryReader];
  if (otlp !== undefined) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({
          url: `${otlp}/v1/metrics`,
          timeoutMillis: EXPORT_TIMEOUT_MS,
        }),
        exportIntervalMillis: 5_000,
      }),
    );
  }
  const meterProvider = new MeterProvider({
    resource,
    readers,
    views: [
      {
        instrumentName: "messaging.process.duration",
        aggregation: {
          type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
          options: { boundaries: PROCESS_DURATION_BUCKETS },
        },
      },
    ],
  });

  let shutdown: Promise<void> | undefined;
  return {
    tracerProvider,
    meterProvider,
    propagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    otlp,
    spans: () => kept.spans(),
    async collectMetrics() {
      metricExporter.reset();
      await memoryReader.forceFlush();
      const batches = metricExporter.getMetrics();
      return (batches[batches.length - 1]?.scopeMetrics ?? []).flatMap((scope) => scope.metrics);
    },
    shutdown() {
      shutdown ??= Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]).then(() => {
        context.disable();
      });
      return shutdown;
    },
  };
}
