export { type DestinationNamer, defaultDestination } from "./destination.js";
export type { OtelOptions } from "./options.js";
export { INSTRUMENTATION_SCOPE, OTEL_PLUGIN_NAME, type OtelPlugin, otel } from "./plugin.js";
export { type HasHeaders, messageContext, type Propagator } from "./propagation.js";
export * as semconv from "./semconv.js";
