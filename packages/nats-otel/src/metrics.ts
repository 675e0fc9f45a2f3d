import type {
  Counter,
  Histogram,
  Meter,
  MeterProvider,
} from "@opentelemetry/api";
import { createNoopMeter, metrics } from "@opentelemetry/api";
import {
  DURATION_BUCKETS,
  METRIC_CONSUMED_MESSAGES,
  METRIC_OPERATION_DURATION,
  METRIC_PROCESS_DURATION,
  METRIC_RECONNECTS,
  METRIC_SENT_MESSAGES,
} from "./semconv.js";

/** The plugin's instruments, made once per installed plugin. */
export interface Instruments {
  /** False when the meter is the API's no-op one: attributes for metrics need not be built. */
  readonly enabled: boolean;
  readonly operationDuration: Histogram;
  readonly processDuration: Histogram;
  readonly sentMessages: Counter;
  readonly consumedMessages: Counter;
  readonly reconnects: Counter;
}

/**
 * Creates the instruments on the configured meter provider, or on the global one as it is when
 * the plugin is installed (register the SDK before connecting).
 */
export function createInstruments(provider: MeterProvider | undefined, scope: string): Instruments {
  const meter = (provider ?? metrics.getMeterProvider()).getMeter(scope);
  const advice = { explicitBucketBoundaries: [...DURATION_BUCKETS] };
  return {
    enabled: !isNoopMeter(meter),
    operationDuration: meter.createHistogram(METRIC_OPERATION_DURATION, {
      description: "Duration of a messaging operation started by the client (publish, receive, settle, management, KV).",
      unit: "s",
      advice,
    }),
    processDuration: meter.createHistogram(METRIC_PROCESS_DURATION, {
      description: "Duration of processing one message by a consume handler.",
      unit: "s",
      advice,
    }),
    sentMessages: meter.createCounter(METRIC_SENT_MESSAGES, {
      description: "Messages the client attempted to publish.",
      unit: "{message}",
    }),
    consumedMessages: meter.createCounter(METRIC_CONSUMED_MESSAGES, {
      description: "Messages delivered to the client (fetched, or handed to a consume handler).",
      unit: "{message}",
    }),
    reconnects: meter.createCounter(METRIC_RECONNECTS, {
      description: "Times the connection reconnected to a server.",
      unit: "{reconnect}",
    }),
  };
}

function isNoopMeter(meter: Meter): boolean {
  return Object.getPrototypeOf(meter) === Object.getPrototypeOf(createNoopMeter());
}
