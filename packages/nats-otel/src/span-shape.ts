import type {
  ClientInfo,
  DeliveredMessage,
  Operation,
  OperationOf,
  PublishBatchOperation,
  ReceiveOperation,
} from "@helix/nats-core";
import { getHeader } from "@helix/nats-core";
import { type Attributes, type Span, SpanKind } from "@opentelemetry/api";
import type { DestinationNamer } from "./destination.js";
import {
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CLIENT_ID,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_TEMPORARY,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_NATS_CONSUMER_ORDERED,
  ATTR_MESSAGING_NATS_CONSUMER_PAUSE_UNTIL,
  ATTR_MESSAGING_NATS_CONSUMER_PINNED_ID,
  ATTR_MESSAGING_NATS_CONSUMER_PRIORITY_GROUP,
  ATTR_MESSAGING_NATS_CONSUMER_STATUS,
  ATTR_MESSAGING_NATS_CONSUMER_STATUS_ENDS,
  ATTR_MESSAGING_NATS_COUNTER_INCREMENT,
  ATTR_MESSAGING_NATS_COUNTER_VALUE,
  ATTR_MESSAGING_NATS_DEADLETTER_ERROR_TYPE,
  ATTR_MESSAGING_NATS_DEADLETTER_REASON,
  ATTR_MESSAGING_NATS_DEADLETTER_SEQUENCE,
  ATTR_MESSAGING_NATS_KV_BUCKET,
  ATTR_MESSAGING_NATS_KV_KEY,
  ATTR_MESSAGING_NATS_KV_REVISION,
  ATTR_MESSAGING_NATS_MESSAGE_DELIVERY_COUNT,
  ATTR_MESSAGING_NATS_MESSAGE_DUPLICATE,
  ATTR_MESSAGING_NATS_MESSAGE_STREAM_SEQUENCE,
  ATTR_MESSAGING_NATS_MESSAGE_TTL,
  ATTR_MESSAGING_NATS_NAK_DELAY_MS,
  ATTR_MESSAGING_NATS_PROCESS_MODE,
  ATTR_MESSAGING_NATS_PUBLISH_ATTEMPTS,
  ATTR_MESSAGING_NATS_RECEIVE_MODE,
  ATTR_MESSAGING_NATS_SCHEDULE,
  ATTR_MESSAGING_NATS_SCHEDULE_TARGET,
  ATTR_MESSAGING_NATS_STREAM_NAME,
  ATTR_MESSAGING_NATS_SUBJECT,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
  MESSAGING_OPERATION_TYPE_VALUE_RECEIVE,
  MESSAGING_OPERATION_TYPE_VALUE_SEND,
  MESSAGING_OPERATION_TYPE_VALUE_SETTLE,
  MESSAGING_SYSTEM_VALUE_NATS,
} from "./semconv.js";

/** Operations that get a span (connection events are counted, consumer health readings gauged, not traced). */
export type TracedOperation = Exclude<
  Operation,
  OperationOf<"connection.event"> | OperationOf<"consumer.health">
>;

/**
 * What an operation is called in telemetry: `messaging.operation.name`, `.type` (absent for
 * management and KV calls, which are not messaging operations), the destination and the span kind.
 */
export interface OperationNaming {
  readonly name: string;
  readonly type: string | undefined;
  readonly destination: string;
  readonly kind: SpanKind;
}

/** Names `op`; subjects go through `destination`, streams and buckets are used as they are. */
export function nameOperation(op: TracedOperation, destination: DestinationNamer): OperationNaming {
  switch (op.kind) {
    case "publish":
      return naming(
        "send",
        MESSAGING_OPERATION_TYPE_VALUE_SEND,
        destination(op.subject),
        SpanKind.PRODUCER,
      );
    case "receive":
      return naming("receive", MESSAGING_OPERATION_TYPE_VALUE_RECEIVE, op.stream, SpanKind.CLIENT);
    case "process":
      return naming(
        "process",
        MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
        destination(op.message.subject),
        SpanKind.CONSUMER,
      );
    case "settle":
      return naming(
        op.action,
        MESSAGING_OPERATION_TYPE_VALUE_SETTLE,
        destination(op.message.subject),
        SpanKind.CLIENT,
      );
    case "consumer.status":
      return naming(op.kind, undefined, op.stream, SpanKind.CLIENT);
    case "publish.batch": {
      // one send span for the batch; a destination only when every message has the same subject
      const subject = batchSubject(op);
      return naming(
        "send",
        MESSAGING_OPERATION_TYPE_VALUE_SEND,
        subject === "" ? "" : destination(subject),
        SpanKind.PRODUCER,
      );
    }
    case "core.publish":
    case "core.request":
      // A request is a send whose span lasts until the reply (or its failure).
      return naming(
        "send",
        MESSAGING_OPERATION_TYPE_VALUE_SEND,
        destination(op.subject),
        SpanKind.PRODUCER,
      );
    case "deadletter":
      // Sends the failed message to the dead-letter stream (the destination); CLIENT, not
      // PRODUCER: it keeps the original's trace context instead of creating one.
      return naming(op.kind, MESSAGING_OPERATION_TYPE_VALUE_SEND, op.stream, SpanKind.CLIENT);
    case "core.process":
      return naming(
        "process",
        MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
        destination(op.message.subject),
        SpanKind.CONSUMER,
      );
    default:
      // stream.*, consumer.*, kv.*: the stream or bucket is the destination.
      return naming(op.kind, undefined, "bucket" in op ? op.bucket : op.stream, SpanKind.CLIENT);
  }
}

function naming(
  name: string,
  type: string | undefined,
  destination: string,
  kind: SpanKind,
): OperationNaming {
  return { name, type, destination, kind };
}

/** The subject every message of a batch is published to, or `""` when they differ. */
export function batchSubject(op: PublishBatchOperation): string {
  const first = op.messages[0]?.subject ?? "";
  for (const message of op.messages) if (message.subject !== first) return "";
  return first;
}

/** `{messaging.operation.name} {destination}`, or the operation name alone when there is none. */
export function spanName(naming: OperationNaming): string {
  return naming.destination === "" ? naming.name : `${naming.name} ${naming.destination}`;
}

/**
 * Attributes shared by the span and the metric points of an operation: all low-cardinality.
 * Safe by construction: `client` holds no credentials (core strips them from addresses).
 */
export function commonAttributes(
  naming: OperationNaming,
  client: ClientInfo,
  consumer: string | undefined,
): Attributes {
  const attrs: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_VALUE_NATS,
    [ATTR_MESSAGING_OPERATION_NAME]: naming.name,
  };
  if (naming.type !== undefined) attrs[ATTR_MESSAGING_OPERATION_TYPE] = naming.type;
  if (naming.destination !== "") attrs[ATTR_MESSAGING_DESTINATION_NAME] = naming.destination;
  if (consumer !== undefined && consumer !== "")
    attrs[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = consumer;
  const address = client.serverAddress;
  if (address !== undefined) attrs[ATTR_SERVER_ADDRESS] = address;
  const port = client.serverPort;
  if (port !== undefined) attrs[ATTR_SERVER_PORT] = port;
  return attrs;
}

/** The consumer an operation belongs to, if any (`messaging.consumer.group.name`). */
export function consumerOf(op: TracedOperation): string | undefined {
  switch (op.kind) {
    case "receive":
    case "process":
    case "consumer.status":
      return op.consumer;
    case "settle":
      // known to the puller, or parsed from the reply subject (about a microsecond per message)
      return op.consumer ?? op.message.info.consumer;
    case "deadletter":
      return op.consumer;
    case "deadletter.list":
    case "deadletter.replay":
    case "deadletter.purge":
      return undefined;
    case "core.process":
      return op.queue;
    case "core.publish":
    case "core.request":
      return undefined;
    default:
      return "ordered" in op ? op.consumer : undefined;
  }
}

/**
 * Span-only attributes known when the operation starts (message ids, sequences, keys: too many
 * values for metrics). Added to `attrs` in place.
 */
export function addStartAttributes(
  attrs: Attributes,
  op: TracedOperation,
  recordBodySize: boolean,
): void {
  attrs[ATTR_MESSAGING_CLIENT_ID] = op.client.name;
  switch (op.kind) {
    case "publish":
      attrs[ATTR_MESSAGING_NATS_SUBJECT] = op.subject;
      if (op.msgID !== undefined) attrs[ATTR_MESSAGING_MESSAGE_ID] = op.msgID;
      if (recordBodySize) attrs[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = op.payload.length;
      if (op.ttlMs !== undefined) attrs[ATTR_MESSAGING_NATS_MESSAGE_TTL] = ttlAttribute(op.ttlMs);
      if (op.increment !== undefined) attrs[ATTR_MESSAGING_NATS_COUNTER_INCREMENT] = op.increment;
      if (op.schedule !== undefined) attrs[ATTR_MESSAGING_NATS_SCHEDULE] = op.schedule;
      if (op.scheduleTarget !== undefined)
        attrs[ATTR_MESSAGING_NATS_SCHEDULE_TARGET] = op.scheduleTarget;
      return;
    case "receive": {
      attrs[ATTR_MESSAGING_NATS_STREAM_NAME] = op.stream;
      attrs[ATTR_MESSAGING_NATS_RECEIVE_MODE] = op.mode;
      // (the span is made once the messages are in) a pull's messages share its pin id
      const pinned = getHeader(op.messages?.[0]?.headers, "Nats-Pin-Id");
      if (pinned) attrs[ATTR_MESSAGING_NATS_CONSUMER_PINNED_ID] = pinned;
      return;
    }
    case "process":
    case "settle":
      addMessageAttributes(attrs, op.message, recordBodySize && op.kind === "process");
      if (op.kind === "settle" && op.delayMs !== undefined)
        attrs[ATTR_MESSAGING_NATS_NAK_DELAY_MS] = op.delayMs;
      return;
    case "publish.batch": {
      attrs[ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = op.messages.length;
      const subject = batchSubject(op);
      if (subject !== "") attrs[ATTR_MESSAGING_NATS_SUBJECT] = subject;
      if (recordBodySize) {
        let size = 0;
        for (const message of op.messages) size += message.payload.length;
        attrs[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = size;
      }
      return;
    }
    case "deadletter":
    case "deadletter.replay":
      // The failed message (or the dead letter replayed): its subject, stream, sequence, deliveries.
      if (op.message !== undefined) addMessageAttributes(attrs, op.message, false);
      if (op.reason !== undefined) attrs[ATTR_MESSAGING_NATS_DEADLETTER_REASON] = op.reason;
      if (op.errorType !== undefined)
        attrs[ATTR_MESSAGING_NATS_DEADLETTER_ERROR_TYPE] = op.errorType;
      if (op.kind === "deadletter.replay" && op.seq !== undefined)
        attrs[ATTR_MESSAGING_NATS_DEADLETTER_SEQUENCE] = op.seq;
      return;
    case "deadletter.list":
    case "deadletter.purge":
      attrs[ATTR_MESSAGING_NATS_STREAM_NAME] = op.stream;
      return;
    case "consumer.status":
      attrs[ATTR_MESSAGING_NATS_STREAM_NAME] = op.stream;
      attrs[ATTR_MESSAGING_NATS_CONSUMER_STATUS] = op.status;
      attrs[ATTR_MESSAGING_NATS_CONSUMER_STATUS_ENDS] = op.ends;
      return;
    case "core.publish":
    case "core.request":
      attrs[ATTR_MESSAGING_NATS_SUBJECT] = op.subject;
      if (op.kind === "core.publish" && op.temporary)
        attrs[ATTR_MESSAGING_DESTINATION_TEMPORARY] = true;
      if (recordBodySize) attrs[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = op.payload.length;
      return;
    case "core.process":
      attrs[ATTR_MESSAGING_NATS_SUBJECT] = op.message.subject;
      attrs[ATTR_MESSAGING_NATS_PROCESS_MODE] = op.mode;
      if (recordBodySize) attrs[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = op.message.data.length;
      return;
    default:
      if ("bucket" in op) {
        if (op.bucket !== "") attrs[ATTR_MESSAGING_NATS_KV_BUCKET] = op.bucket;
        if (op.key !== undefined) attrs[ATTR_MESSAGING_NATS_KV_KEY] = op.key;
        if (op.ttlMs !== undefined) attrs[ATTR_MESSAGING_NATS_MESSAGE_TTL] = ttlAttribute(op.ttlMs);
        return;
      }
      if (op.stream !== "") attrs[ATTR_MESSAGING_NATS_STREAM_NAME] = op.stream;
      if ("ordered" in op) {
        attrs[ATTR_MESSAGING_NATS_CONSUMER_ORDERED] = op.ordered;
        // consumer.pause, or a consumer.create that starts paused (an invalid date is left out)
        const until = op.pauseUntil;
        if (until instanceof Date && Number.isFinite(until.getTime()))
          attrs[ATTR_MESSAGING_NATS_CONSUMER_PAUSE_UNTIL] = until.toISOString();
        if (op.group !== undefined) attrs[ATTR_MESSAGING_NATS_CONSUMER_PRIORITY_GROUP] = op.group;
      } else {
        if (op.subject !== undefined) attrs[ATTR_MESSAGING_NATS_SUBJECT] = op.subject;
        if (op.seq !== undefined) attrs[ATTR_MESSAGING_NATS_MESSAGE_STREAM_SEQUENCE] = op.seq;
      }
  }
}

/**
 * `messaging.nats.message.ttl`: the `Nats-TTL` header value a `ttlMs` is sent as (`"5s"`,
 * `"never"`), for every write that takes one (a publish, a key-value write).
 */
export function ttlAttribute(ttlMs: number | "never"): string {
  return ttlMs === "never" ? "never" : `${ttlMs / 1000}s`;
}

function addMessageAttributes(attrs: Attributes, message: DeliveredMessage, bodySize: boolean) {
  const info = message.info;
  attrs[ATTR_MESSAGING_NATS_SUBJECT] = message.subject;
  attrs[ATTR_MESSAGING_NATS_STREAM_NAME] = info.stream;
  attrs[ATTR_MESSAGING_NATS_MESSAGE_STREAM_SEQUENCE] = info.streamSequence;
  attrs[ATTR_MESSAGING_NATS_MESSAGE_DELIVERY_COUNT] = info.deliveryCount;
  // One pass over the headers for both ids, lowercasing only names of their length (11): the
  // `Nats-Msg-Id`, and the `Nats-Pin-Id` of a message delivered to the pinned client of a
  // priority group (nats-server 2.11+).
  let id: string | undefined;
  let pinned: string | undefined;
  for (const [key, values] of message.headers ?? []) {
    if (key.length !== 11) continue;
    if (key === "Nats-Msg-Id" || (id === undefined && key.toLowerCase() === "nats-msg-id"))
      id = values[0];
    else if (key === "Nats-Pin-Id" || (pinned === undefined && key.toLowerCase() === "nats-pin-id"))
      pinned = values[0];
  }
  if (id) attrs[ATTR_MESSAGING_MESSAGE_ID] = id;
  if (pinned) attrs[ATTR_MESSAGING_NATS_CONSUMER_PINNED_ID] = pinned;
  if (bodySize) attrs[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = message.data.length;
}

/** Attributes known once the operation has finished: what the server answered. */
export function addEndAttributes(span: Span, op: TracedOperation): void {
  switch (op.kind) {
    case "publish": {
      const { ack } = op;
      if (ack !== undefined) {
        span.setAttribute(ATTR_MESSAGING_NATS_STREAM_NAME, ack.stream);
        span.setAttribute(ATTR_MESSAGING_NATS_MESSAGE_STREAM_SEQUENCE, ack.seq);
        if (ack.duplicate) span.setAttribute(ATTR_MESSAGING_NATS_MESSAGE_DUPLICATE, true);
      }
      if (op.attempt > 1) span.setAttribute(ATTR_MESSAGING_NATS_PUBLISH_ATTEMPTS, op.attempt);
      if (op.counterTotal !== undefined)
        span.setAttribute(ATTR_MESSAGING_NATS_COUNTER_VALUE, op.counterTotal);
      return;
    }
    case "publish.batch":
      if (op.ack !== undefined) span.setAttribute(ATTR_MESSAGING_NATS_STREAM_NAME, op.ack.stream);
      return;
    case "receive":
    case "process":
    case "settle":
    case "consumer.status":
    case "core.publish":
    case "core.process":
      return;
    case "core.request":
      if (op.attempt > 1) span.setAttribute(ATTR_MESSAGING_NATS_PUBLISH_ATTEMPTS, op.attempt);
      return;
    case "deadletter":
      if (op.seq !== undefined) span.setAttribute(ATTR_MESSAGING_NATS_DEADLETTER_SEQUENCE, op.seq);
      return;
    case "deadletter.list":
    case "deadletter.replay":
    case "deadletter.purge":
      if (op.count !== undefined) span.setAttribute(ATTR_MESSAGING_BATCH_MESSAGE_COUNT, op.count);
      return;
    default:
      if ("bucket" in op) {
        if (op.revision !== undefined)
          span.setAttribute(ATTR_MESSAGING_NATS_KV_REVISION, op.revision);
      } else if ("ordered" in op) {
        // Named by the server during the call (ephemeral and ordered consumers).
        if (op.consumer !== undefined && op.consumer !== "")
          span.setAttribute(ATTR_MESSAGING_CONSUMER_GROUP_NAME, op.consumer);
      } else if (op.kind === "stream.getBatch" && op.count !== undefined) {
        // how many messages the batch direct get returned
        span.setAttribute(ATTR_MESSAGING_BATCH_MESSAGE_COUNT, op.count);
      }
  }
}

/** The number of messages a finished `receive` returned. */
export function receivedCount(op: ReceiveOperation): number {
  return op.messages?.length ?? 0;
}
