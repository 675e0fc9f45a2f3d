import type { Tracer } from "@opentelemetry/api";
import type { DestinationNamer } from "./destination.js";
import type { Instruments } from "./metrics.js";
import type { ResolvedOtelOptions } from "./options.js";
import type { Propagator } from "./propagation.js";

/** Everything a middleware of one installed plugin records with. */
export interface Telemetry {
  readonly tracer: Tracer;
  readonly instruments: Instruments;
  readonly propagator: Propagator;
  readonly destination: DestinationNamer;
  readonly options: ResolvedOtelOptions;
}
