import { ProxyTracerProvider, propagation, trace } from "@opentelemetry/api";
import type { MessagingMetrics } from "./metrics.js";
import type { ResolvedOtelOptions } from "./options.js";

/**
 * A check, run once per operation, for "there is nothing to do": no SDK registered (the global
 * tracer provider has no delegate), no meter, no propagator. Then the middleware only calls
 * `next()`, which keeps the plugin's cost without an SDK to a few tens of nanoseconds.
 *
 * Providers or a propagator given in the options always count as something to do. The global
 * ones are looked at on every call, so an SDK registered after `connect` is picked up for traces
 * and propagation (the meter provider is read once, at install).
 */
export function createIdleCheck(
  options: ResolvedOtelOptions,
  metrics: MessagingMetrics | undefined,
): () => boolean {
  if (
    options.tracerProvider !== undefined ||
    options.propagator !== undefined ||
    metrics !== undefined
  ) {
    return () => false;
  }
  // The API's no-op provider: what an unset proxy delegates to.
  const noopTracers = new ProxyTracerProvider().getDelegate();
  return () => {
    const provider = trace.getTracerProvider();
    return (
      provider instanceof ProxyTracerProvider &&
      provider.getDelegate() === noopTracers &&
      propagation.fields().length === 0
    );
  };
}
