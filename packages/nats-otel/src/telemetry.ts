import type { Tracer } from "@opentelemetry/api";
import type { ConsumerHealthGauges } from "./consumer-health-metrics.js";
import type { DestinationNamer } from "./destination.js";
import type { MessagingMetrics } from "./metrics.js";
import type { ResolvedOtelOptions } from "./options.js";
import type { Propagator } from "./propagation.js";
import type { SpanClock } from "./span-clock.js";

/** Everything a middleware of one installed plugin records with. */
export interface Telemetry {
  readonly tracer: Tracer;
  /** `undefined` when no meter provider is set: nothing is computed for metrics. */
  readonly metrics: MessagingMetrics | undefined;
  readonly propagator: Propagator;
  readonly destination: DestinationNamer;
  readonly options: ResolvedOtelOptions;
  /** The clock spans are stamped with. */
  readonly clock: SpanClock;
  /** The consumer health gauges (made on first use); `undefined` when no meter provider is set. */
  readonly health?: (() => ConsumerHealthGauges | undefined) | undefined;
}
