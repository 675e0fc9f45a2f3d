import { otel } from "@helix/nats-otel";
import { context, type Sampler } from "@opentelemetry/api";
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
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";

/**
 * Which spans the SDK samples: `always` (every span, `AlwaysOnSampler`) or `1%` (production:
 * `ParentBased` on a 1% trace-id ratio, so a span with a parent follows its parent's sampled flag
 * and 1% of root spans are sampled).
 */
export type Sampling = "always" | "1%";

/** The fraction of producer messages the suite marks sampled in their `traceparent` (1%). */
export const SAMPLED_FRACTION = 0.01;

function samplerFor(sampling: Sampling): Sampler {
  if (sampling === "always") return new AlwaysOnSampler();
  return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(SAMPLED_FRACTION) });
}

/**
 * An SDK as a production service runs it: spans batched to an exporter that drops them, metrics
 * aggregated in memory (collected every `exportIntervalMillis`), W3C propagation. Handed to
 * `otel()` (or to hand-written tracing) directly, so nothing is registered globally but the
 * context manager (see `enterContext`).
 */
export function createSdk({
  exportIntervalMillis = 10_000,
  sampling = "always" as Sampling,
  settleSpans = true,
} = {}) {
  const nullExporter: SpanExporter = {
    export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
    shutdown: () => Promise.resolve(),
  };
  const tracerProvider = new BasicTracerProvider({
    sampler: samplerFor(sampling),
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
    tracerProvider,
    meterProvider,
    propagator,
    plugin: otel({ tracerProvider, meterProvider, propagator, settleSpans }),
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

/** An SDK made by `createSdk`. */
export type Sdk = ReturnType<typeof createSdk>;

/**
 * The context manager is the one piece of the SDK that only exists globally. It is registered
 * only while a variant that needs it runs and disabled after: an enabled AsyncLocalStorage makes
 * every promise in the process pay for async hooks, which would slow the other variants too.
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
