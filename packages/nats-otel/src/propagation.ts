import { type DeliveredMessage, getHeader, hasHeader, setHeaderIfAbsent } from "@helix/nats-core";
import {
  type Context,
  propagation,
  ROOT_CONTEXT,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from "@opentelemetry/api";

/** NATS message headers, as the client holds them. */
type Headers = NonNullable<DeliveredMessage["headers"]>;

/** What inject and extract need of a propagator; the API's global `propagation` fits too. */
export type Propagator = Pick<TextMapPropagator, "inject" | "extract">;

/** Anything that carries NATS headers: a consumer's `Msg`, a `DeliveredMessage`. */
export interface HasHeaders {
  /** The message's headers, `undefined` when it has none. */
  readonly headers: Headers | undefined;
}

/** Reads a header in any casing: a Go service writes `Traceparent`, a raw JS client may not. */
const getter: TextMapGetter<Headers> = {
  get: (headers, key) => getHeader(headers, key),
  keys: (headers) => Array.from(headers.keys()),
};

/**
 * Writes a header in canonical casing (`Traceparent`), only when the caller did not set it.
 */
const setIfAbsent: TextMapSetter<Headers> = {
  set: (headers, key, value) => {
    setHeaderIfAbsent(headers, key, value);
  },
};

/**
 * Used when the caller set `traceparent` themselves: their `tracestate` (or its absence) belongs
 * to their parent, so ours must not be added next to it.
 */
const setIfAbsentKeepingCallerTrace: TextMapSetter<Headers> = {
  set: (headers, key, value) => {
    if (key.toLowerCase() === "tracestate") return;
    setHeaderIfAbsent(headers, key, value);
  },
};

/** The configured propagator, or the API's global one (read at each call, so late setup works). */
export function resolvePropagator(configured: Propagator | undefined): Propagator {
  return configured ?? propagation;
}

/**
 * Writes `ctx` into `headers` (a fresh object owned by the operation, never the caller's).
 * A trace header already present in any casing is left as it is. Never throws.
 */
export function injectContext(propagator: Propagator, ctx: Context, headers: Headers): void {
  try {
    const setter = hasHeader(headers, "traceparent") ? setIfAbsentKeepingCallerTrace : setIfAbsent;
    propagator.inject(ctx, headers, setter);
  } catch {
    // A propagator that fails leaves the message without trace headers, never unsent.
  }
}

/**
 * The context a message was created in, read from its headers on top of the root context (never
 * the current one: a message without trace headers starts a new trace). Malformed values are
 * ignored; this never throws.
 */
export function extractContext(propagator: Propagator, headers: Headers | undefined): Context {
  if (headers === undefined) return ROOT_CONTEXT;
  try {
    return propagator.extract(ROOT_CONTEXT, headers, getter);
  } catch {
    return ROOT_CONTEXT;
  }
}

/**
 * The context `message` was created in (the producer's span and baggage), read with the global
 * propagator or the one given. Run code inside it with `context.with(messageContext(msg), fn)`,
 * or use the plugin's `withMessage(msg, fn)`.
 */
export function messageContext(message: HasHeaders, propagator?: Propagator): Context {
  return extractContext(resolvePropagator(propagator), message.headers);
}
