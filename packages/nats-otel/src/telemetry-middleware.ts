import type {
  ConsumerHealthOperation,
  CoreProcessOperation,
  Middleware,
  ProcessOperation,
  PublishBatchOperation,
  ReceiveOperation,
  SettleOperation,
} from "@helix/nats-core";
import { COMPLETED, hasHeader } from "@helix/nats-core";
import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  type Link,
  type Span,
  SpanKind,
  trace,
} from "@opentelemetry/api";
import { type OperationShape, OperationShapes } from "./operation-shapes.js";
import { errorType, expectedOutcome, recordFailure, recordOutcome } from "./outcome.js";
import { extractContext, injectContext } from "./propagation.js";
import { recordConnectionEvent, recordOperationMetrics } from "./record-metrics.js";
import {
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CLIENT_ID,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_NATS_SUBJECT,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_OPERATION_TYPE_VALUE_CREATE,
  MESSAGING_SYSTEM_VALUE_NATS,
} from "./semconv.js";
import {
  addEndAttributes,
  addStartAttributes,
  receivedCount,
  type TracedOperation,
} from "./span-shape.js";
import type { Telemetry } from "./telemetry.js";

/**
 * The plugin's middleware. Telemetry never changes what an operation does: a tracer, meter or
 * propagator that throws is ignored, and the operation's own result or error passes through.
 */
export function createTelemetryMiddleware(t: Telemetry): Middleware {
  const shapes = new OperationShapes(t.destination);
  return (op, next) => {
    switch (op.kind) {
      case "connection.event": {
        const { metrics } = t;
        if (metrics !== undefined) guard(() => recordConnectionEvent(metrics, op));
        return next();
      }
      case "consumer.health":
        return gaugeHealth(t, op, next);
      case "process":
      case "core.process":
        return traceProcess(t, shapes, op, next);
      case "receive":
        return traceReceive(t, shapes, op, next);
      case "settle":
        return t.options.settleSpans
          ? traceCall(t, shapes, op, next)
          : measureOnly(t, shapes, op, next);
      default:
        return traceCall(t, shapes, op, next);
    }
  };
}

/** A consumer health reading: no span, its numbers go to the gauges once it arrived. */
function gaugeHealth<T>(
  t: Telemetry,
  op: ConsumerHealthOperation,
  next: () => Promise<T>,
): Promise<T> {
  const health = t.health === undefined ? undefined : guard(t.health);
  if (health === undefined) return next();
  return observe(next, (_err, failed) => {
    if (!failed || op.phase === "stop") guard(() => health.record(op));
  });
}

/**
 * Runs `run()` (a synchronous throw counts too), tells `done` how it went, and passes the result
 * or error on unchanged. One promise reaction, no async function.
 */
function observe<T>(
  run: () => Promise<T>,
  done: (err: unknown, failed: boolean) => void,
): Promise<T> {
  let running: Promise<T>;
  try {
    running = Promise.resolve(run());
  } catch (err) {
    done(err, true);
    return Promise.reject(err);
  }
  if (running === (COMPLETED as Promise<unknown>)) {
    // Completed synchronously (a message handled and acked, an ack queued): finished now, and
    // the caller keeps its synchronous path (no promise, no microtask per operation).
    done(undefined, false);
    return running;
  }
  return running.then(
    (result) => {
      done(undefined, false);
      return result;
    },
    (err: unknown) => {
      done(err, true);
      throw err;
    },
  );
}

/** A span's start attributes: the shape's shared ones plus the operation's own. */
function startAttributes(
  shape: OperationShape,
  op: TracedOperation,
  bodySize: boolean,
): Attributes {
  const attributes: Attributes = { ...shape.attributes };
  addStartAttributes(attributes, op, bodySize);
  return attributes;
}

/**
 * Starts `op`'s span with the shape's shared attributes (the low-cardinality ones a sampler may
 * route on), then adds the operation's own (message ids, sequences, keys) only when the span
 * records: a span the sampler dropped costs no attribute object. Start and end are on the
 * plugin's one clock (span-clock.ts), so that spans stay nested.
 */
function startSpan(
  t: Telemetry,
  shape: OperationShape,
  op: TracedOperation,
  links: Link[] | undefined,
  started: number,
  parent: Context,
): Span {
  const span = t.tracer.startSpan(
    shape.spanName,
    {
      kind: shape.naming.kind,
      attributes: shape.attributes,
      links,
      startTime: t.clock.epochMs(started),
    },
    parent,
  );
  if (span.isRecording()) {
    const attributes: Attributes = {};
    addStartAttributes(attributes, op, t.options.recordBodySize);
    span.setAttributes(attributes);
  }
  return span;
}

/** Publish, settle, management and KV calls: a span from call to result. */
function traceCall<T>(
  t: Telemetry,
  shapes: OperationShapes,
  op: TracedOperation,
  next: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  let span: Span | undefined;
  let shape: OperationShape | undefined;
  try {
    shape = shapes.of(op);
    const active = context.active();
    const links =
      op.kind === "settle"
        ? settleLinks(t, op, active)
        : op.kind === "publish.batch"
          ? batchLinks(t, op, active, started)
          : (op.kind === "deadletter" || op.kind === "deadletter.replay") &&
              op.message !== undefined
            ? // the message's (or dead letter's) creation context: its trace goes on through the link
              linkTo(extractContext(t.propagator, op.message.headers))
            : undefined;
    span = startSpan(t, shape, op, links, started, active);
    if (op.kind === "publish" || op.kind === "core.publish" || op.kind === "core.request")
      injectContext(t.propagator, trace.setSpan(active, span), op.headers);
  } catch {
    // A failing tracer leaves this operation untraced; the operation itself goes on.
  }
  // A replay's publish is a child of its span (the publish then carries a new trace context).
  const run = op.kind === "deadletter.replay" && span !== undefined ? withSpan(span, next) : next;
  return observe(run, (err, failed) =>
    finish({ t, shapes, op, shape, span, started, err, failed }),
  );
}

/** `next` run with `span` active (the operations it runs are its children). */
function withSpan<T>(span: Span, next: () => Promise<T>): () => Promise<T> {
  return () => context.with(trace.setSpan(context.active(), span), next);
}

/**
 * A settle outside any span (a message fetched, then acked later) links to the message's
 * creation context; inside a `process` span the parent already says which message it is.
 */
function settleLinks(t: Telemetry, op: SettleOperation, active: Context): Link[] | undefined {
  if (trace.getSpan(active) !== undefined) return undefined;
  return linkTo(extractContext(t.propagator, op.message.headers));
}

/**
 * The creation context of each message of an atomic batch, for the batch's one send span to link
 * to (semantic conventions: a batch send links to each message's creation context). A message
 * whose caller set `traceparent` was created there; any other gets a `create` span, child of the
 * active context, whose context is injected into its headers, so its consumer continues from it.
 */
function batchLinks(
  t: Telemetry,
  op: PublishBatchOperation,
  active: Context,
  started: number,
): Link[] {
  const links: Link[] = [];
  const startTime = t.clock.epochMs(started);
  for (const message of op.messages) {
    if (hasHeader(message.headers, "traceparent")) {
      const link = linkTo(extractContext(t.propagator, message.headers));
      if (link !== undefined) links.push(link[0] as Link);
      continue;
    }
    const destination = t.destination(message.subject);
    const attributes: Attributes = {
      [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_VALUE_NATS,
      [ATTR_MESSAGING_OPERATION_NAME]: "create",
      [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_VALUE_CREATE,
      [ATTR_MESSAGING_DESTINATION_NAME]: destination,
      [ATTR_MESSAGING_CLIENT_ID]: op.client.name,
      [ATTR_MESSAGING_NATS_SUBJECT]: message.subject,
    };
    if (message.msgID !== undefined) attributes[ATTR_MESSAGING_MESSAGE_ID] = message.msgID;
    const create = t.tracer.startSpan(
      `create ${destination}`,
      { kind: SpanKind.PRODUCER, attributes, startTime },
      active,
    );
    injectContext(t.propagator, trace.setSpan(active, create), message.headers);
    create.end(startTime);
    const context = create.spanContext();
    if (isSpanContextValid(context)) links.push({ context });
  }
  return links;
}

/**
 * A fetch or `next()`: the span is made when the messages are in, so that it can link to each
 * one's creation context, and is back-dated to when the pull started.
 */
function traceReceive<T>(
  t: Telemetry,
  shapes: OperationShapes,
  op: ReceiveOperation,
  next: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const parent = context.active();
  return observe(next, (err, failed) => {
    let shape: OperationShape | undefined;
    let span: Span | undefined;
    try {
      shape = shapes.of(op);
      const attributes = startAttributes(shape, op, false);
      attributes[ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = receivedCount(op);
      const links: Link[] = [];
      for (const message of op.messages ?? []) {
        const link = linkTo(extractContext(t.propagator, message.headers));
        if (link !== undefined) links.push(link[0] as Link);
      }
      span = t.tracer.startSpan(
        shape.spanName,
        { kind: shape.naming.kind, attributes, links, startTime: t.clock.epochMs(started) },
        parent,
      );
    } catch {
      // Untraced, as above.
    }
    finish({ t, shapes, op, shape, span, started, err, failed });
  });
}

/**
 * One message handed to a consume handler: a CONSUMER span, child of the producer's span (or
 * linked to it with `processParent: "link"`), and the handler runs with that span active, so what
 * it publishes continues the trace. Baggage from the producer is in the handler's context either way.
 */
function traceProcess<T>(
  t: Telemetry,
  shapes: OperationShapes,
  op: ProcessOperation | CoreProcessOperation,
  next: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  let span: Span | undefined;
  let shape: OperationShape | undefined;
  let active: Context | undefined;
  try {
    shape = shapes.of(op);
    const created = extractContext(t.propagator, op.message.headers);
    let parent = created;
    let links: Link[] | undefined;
    if (t.options.processParent === "link") {
      links = linkTo(created);
      parent = trace.deleteSpan(created);
    }
    span = startSpan(t, shape, op, links, started, parent);
    active = trace.setSpan(parent, span);
  } catch {
    // Untraced: the handler runs in the caller's context.
  }
  const run = active === undefined ? next : () => context.with(active, next);
  return observe(run, (err, failed) =>
    finish({ t, shapes, op, shape, span, started, err, failed }),
  );
}

/** Settle with `settleSpans: false`: metrics only. */
function measureOnly<T>(
  t: Telemetry,
  shapes: OperationShapes,
  op: SettleOperation,
  next: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  let shape: OperationShape | undefined;
  try {
    shape = shapes.of(op);
  } catch {
    // Unnamed: no metrics for this one (a closure-free `guard`, once per ack).
  }
  return observe(next, (err, failed) =>
    finish({ t, shapes, op, shape, span: undefined, started, err, failed }),
  );
}

/** An operation that has just finished, with what `finish` needs to record it. */
interface FinishedOperation {
  readonly t: Telemetry;
  readonly shapes: OperationShapes;
  readonly op: TracedOperation;
  /** `undefined` when naming the operation failed: then no metrics are recorded. */
  readonly shape: OperationShape | undefined;
  /** `undefined` when the operation is untraced (no span, or `settleSpans: false`). */
  readonly span: Span | undefined;
  /** `performance.now()` when the operation started. */
  readonly started: number;
  /** What the operation threw, when `failed`. */
  readonly err: unknown;
  readonly failed: boolean;
}

/** Ends the span (status, end attributes) and records the metrics of a finished operation. */
function finish({ t, shapes, op, shape, span, started, err, failed }: FinishedOperation): void {
  try {
    // One clock for the span and the metric: the performance clock the start was read from
    // (a back-dated receive span would otherwise end on the millisecond wall clock).
    const ended = performance.now();
    const outcome = failed ? expectedOutcome(op, err) : undefined;
    const type = failed && outcome === undefined ? errorType(err) : undefined;
    if (span !== undefined) {
      if (span.isRecording()) addEndAttributes(span, op);
      if (outcome !== undefined) recordOutcome(span, outcome);
      else if (type !== undefined) recordFailure(span, err, type);
      span.end(t.clock.epochMs(ended));
    }
    if (shape !== undefined && t.metrics !== undefined) {
      // As the operation is now: the server may have named the consumer during the call
      // (ephemeral, ordered), a reconnect may have changed the server. Usually the same shape.
      // A message's process and settle keep theirs (subject and consumer are the message's).
      const now =
        op.kind === "process" || op.kind === "core.process" || op.kind === "settle"
          ? shape
          : shapes.of(op);
      recordOperationMetrics(t.metrics, op, now, (ended - started) / 1000, type);
    }
  } catch {
    // Telemetry never fails the operation it describes.
  }
}

/** A one-element link list to the span in `ctx`, or `undefined` when it has none. */
function linkTo(ctx: Context): Link[] | undefined {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext !== undefined && isSpanContextValid(spanContext)
    ? [{ context: spanContext }]
    : undefined;
}

/** Runs telemetry code that must never fail the operation it describes. */
function guard<R>(fn: () => R): R | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
