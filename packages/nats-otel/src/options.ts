import { ConfigError, type ConfigReason } from "@helix/nats-core";
import type { MeterProvider, TracerProvider } from "@opentelemetry/api";
import type { DestinationNamer } from "./destination.js";
import type { Propagator } from "./propagation.js";

/** Options of `otel()`. Every one is optional. */
export interface OtelOptions {
  /** Where spans go. Default: the global tracer provider (set by the SDK's `register()`). */
  tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global meter provider, read when the plugin is installed. */
  meterProvider?: MeterProvider;
  /** Reads and writes trace context in headers. Default: the global propagator. */
  propagator?: Propagator;
  /**
   * How a `process` span relates to the producer's span: `"parent"` (default) makes it a child,
   * in the producer's trace; `"link"` starts a new trace that links to the producer.
   */
  processParent?: "parent" | "link";
  /**
   * Names the destination of a subject in span names and `messaging.destination.name`, to keep
   * their cardinality low (`orders.eu.123` → `orders.*`). Default: inbox subjects become `_INBOX`,
   * others are kept. A namer that throws or returns an empty value falls back to the default.
   */
  destination?: DestinationNamer;
  /** Record `messaging.message.body.size` on send and process spans. Default `false`. */
  recordBodySize?: boolean;
  /** Create spans for ack, nak, term and working. Default `true`; metrics are kept either way. */
  settleSpans?: boolean;
}

/** The options after validation, with defaults filled in. */
export interface ResolvedOtelOptions {
  tracerProvider: TracerProvider | undefined;
  meterProvider: MeterProvider | undefined;
  propagator: Propagator | undefined;
  processParent: "parent" | "link";
  destination: DestinationNamer | undefined;
  recordBodySize: boolean;
  settleSpans: boolean;
}

const KNOWN = new Set([
  "tracerProvider",
  "meterProvider",
  "propagator",
  "processParent",
  "destination",
  "recordBodySize",
  "settleSpans",
]);

/**
 * Checks `options` and fills in defaults. Every problem is collected into one `ConfigError`
 * with the path of the option, so a typo (`settleSpan`) is caught at startup.
 */
export function resolveOtelOptions(options: unknown): ResolvedOtelOptions {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ConfigError([{ message: "otel options must be an object", path: ["otel"] }], {
      subject: "otel plugin",
    });
  }
  const o = options as Record<string, unknown>;
  const reasons: ConfigReason[] = [];
  const problem = (key: string, message: string) => reasons.push({ message, path: ["otel", key] });

  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) problem(key, `unknown option "${key}"`);
  }
  const hasMethods = (key: string, methods: readonly string[]) => {
    const value = o[key];
    if (value === undefined) return;
    const missing = methods.filter(
      (m) => typeof (value as Record<string, unknown> | null)?.[m] !== "function",
    );
    if (typeof value !== "object" || value === null || missing.length > 0) {
      problem(key, `${key} must be an object with ${methods.join(" and ")} methods`);
    }
  };
  hasMethods("tracerProvider", ["getTracer"]);
  hasMethods("meterProvider", ["getMeter"]);
  hasMethods("propagator", ["inject", "extract"]);
  if (o.processParent !== undefined && o.processParent !== "parent" && o.processParent !== "link") {
    problem("processParent", 'processParent must be "parent" or "link"');
  }
  if (o.destination !== undefined && typeof o.destination !== "function") {
    problem("destination", "destination must be a function from subject to name");
  }
  for (const key of ["recordBodySize", "settleSpans"]) {
    if (o[key] !== undefined && typeof o[key] !== "boolean")
      problem(key, `${key} must be a boolean`);
  }
  if (reasons.length > 0) throw new ConfigError(reasons, { subject: "otel plugin" });

  return {
    tracerProvider: o.tracerProvider as TracerProvider | undefined,
    meterProvider: o.meterProvider as MeterProvider | undefined,
    propagator: o.propagator as Propagator | undefined,
    processParent: (o.processParent as "parent" | "link" | undefined) ?? "parent",
    destination: o.destination as DestinationNamer | undefined,
    recordBodySize: (o.recordBodySize as boolean | undefined) ?? false,
    settleSpans: (o.settleSpans as boolean | undefined) ?? true,
  };
}
