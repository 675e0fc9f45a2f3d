import type { MiddlewareStack, Plugin } from "@helix/nats-core";
import {
  type Context,
  context,
  type MeterProvider,
  ProxyTracerProvider,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import { type ConsumerHealthGauges, consumerHealthGauges } from "./consumer-health-metrics.js";
import { guardDestination } from "./destination.js";
import { createIdleCheck } from "./idle.js";
import { type MessagingMetrics, messagingMetrics } from "./metrics.js";
import { type OtelOptions, resolveOtelOptions } from "./options.js";
import { extractContext, type HasHeaders, resolvePropagator } from "./propagation.js";
import { SpanClock } from "./span-clock.js";
import { createTelemetryMiddleware } from "./telemetry-middleware.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";

/**
 * The instrumentation scope name of every tracer and meter this plugin uses: the package name.
 * Its version is the package version.
 */
export const INSTRUMENTATION_SCOPE = PACKAGE_NAME;

/** The name of the plugin and of its middleware in a connection's stack. */
export const OTEL_PLUGIN_NAME = "otel";

/** The plugin `otel()` returns: install it on a connection, and use its helpers for messages. */
export interface OtelPlugin extends Plugin {
  /** Always `"otel"` (`OTEL_PLUGIN_NAME`). */
  readonly name: typeof OTEL_PLUGIN_NAME;
  /**
   * The context `message` was created in (the producer's span and baggage), read with this
   * plugin's propagator. For messages from `fetch` or `messages()`, which no handler wraps.
   */
  messageContext(message: HasHeaders): Context;
  /** Runs `fn` inside `messageContext(message)`: what it traces joins the producer's trace. */
  withMessage<R>(message: HasHeaders, fn: () => R): R;
}

/**
 * The plugin's tracer. A provider that throws gives a tracer that records nothing: telemetry
 * must never keep a connection from opening.
 */
function tracerFor(provider: TracerProvider | undefined): Tracer {
  try {
    return (provider ?? trace.getTracerProvider()).getTracer(
      INSTRUMENTATION_SCOPE,
      PACKAGE_VERSION,
    );
  } catch {
    return new ProxyTracerProvider().getTracer(INSTRUMENTATION_SCOPE, PACKAGE_VERSION);
  }
}

/** The plugin's instruments; a meter that throws while making them means no metrics. */
function metricsFor(provider: MeterProvider | undefined): MessagingMetrics | undefined {
  try {
    return messagingMetrics(provider, INSTRUMENTATION_SCOPE, PACKAGE_VERSION);
  } catch {
    return undefined;
  }
}

/**
 * The consumer health gauges, made on the first health reading (opt-in: no gauge exists until a
 * reader runs); a meter that throws while making them means none.
 */
function healthFor(provider: MeterProvider | undefined): () => ConsumerHealthGauges | undefined {
  let gauges: ConsumerHealthGauges | undefined;
  let made = false;
  return () => {
    if (!made) {
      made = true;
      try {
        gauges = consumerHealthGauges(provider, INSTRUMENTATION_SCOPE, PACKAGE_VERSION);
      } catch {
        gauges = undefined;
      }
    }
    return gauges;
  };
}

/**
 * OpenTelemetry for every operation of a connection: spans, trace propagation through message
 * headers, and metrics, following the messaging semantic conventions (see the README for the
 * full table). `connect({ plugins: [otel()] })` or `conn.use(otel())`.
 *
 * Options are checked at once: a bad one throws a `ConfigError` listing every problem. Providers
 * default to the global ones; the meter provider is read when the plugin is installed, so
 * register the SDK before connecting.
 */
export function otel(options?: OtelOptions): OtelPlugin {
  const resolved = resolveOtelOptions(options);
  const propagator = resolvePropagator(resolved.propagator);
  const destination = guardDestination(resolved.destination);
  return {
    name: OTEL_PLUGIN_NAME,
    install(stack: MiddlewareStack) {
      const tracer = tracerFor(resolved.tracerProvider);
      const metrics = metricsFor(resolved.meterProvider);
      const middleware = createTelemetryMiddleware({
        tracer,
        metrics,
        propagator,
        destination,
        options: resolved,
        clock: new SpanClock(),
        health: metrics === undefined ? undefined : healthFor(resolved.meterProvider),
      });
      // With nothing to record (no SDK, no propagator, no meter), the stack passes the plugin
      // over, and the packages' hot paths run as if no plugin were installed.
      stack.add(middleware, { name: OTEL_PLUGIN_NAME, idle: createIdleCheck(resolved, metrics) });
    },
    messageContext: (message) => extractContext(propagator, message.headers),
    withMessage: (message, fn) => context.with(extractContext(propagator, message.headers), fn),
  };
}
