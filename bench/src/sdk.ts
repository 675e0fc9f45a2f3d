import { otel } from "@helix/nats-otel";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  CompositePropagator,
  ExportResultCode,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "@opentelemetry/core";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";

/**
 * A sampled SDK as a production service runs it: every span sampled and batched to an exporter
 * that drops them, metrics aggregated in memory (collected every `exportIntervalMillis`), W3C
 * propagation. Handed to `otel()` through its options, so nothing is registered globally but the
 * context manager (see `enterContext`).
 */
export function createSdk({ exportIntervalMillis = 10_000 } = {}) {
  const nullExporter: SpanExporter = {
    export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
    shutdown: () => Promise.resolve(),
  };
  const tracerProvider = new BasicTracerProvider({
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new BatchSpanProcessor(nullExporter, { maxQueueSize: 8192 })],
  });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
        exportIntervalMillis,
      }),
    ],
  });
  const propagator = new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
  return {
    plugin: otel({ tracerProvider, meterProvider, propagator }),
    flush: async () => {
      await tracerProvider.forceFlush();
      await meterProvider.forceFlush();
    },
    shutdown: async () => {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/**
 * The context manager is the one piece of the SDK that only exists globally. It is registered
 * only while the SDK variant runs and disabled after: an enabled AsyncLocalStorage makes every
 * promise in the process pay for async hooks, which would slow the other variants too.
 */
export function enterContext(): () => void {
  const manager = new AsyncLocalStorageContextManager();
  manager.enable();
  if (!context.setGlobalContextManager(manager)) {
    manager.disable();
    throw new Error("a global context manager is registered already: the variants would share it");
  }
  return () => context.disable();
}
