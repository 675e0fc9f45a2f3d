import {
  type ClientInfo,
  type DeliveredMessage,
  getHeader,
  type Operation,
  type OperationOf,
  type ReceiveOperation,
} from "@helix/nats-core";
import { type Attributes, type Span, SpanKind } from "@opentelemetry/api";
import type { DestinationNamer } from "./destination.js";
import {
  BODY_SIZE,
  CLIENT_ID,
  CONSUMER_GROUP,
  DESTINATION_NAME,
  MESSAGE_ID,
  MESSAGING_SYSTEM,
  NATS_CONSUMER_ORDERED,
  NATS_CONSUMER_STATUS,
  NATS_CONSUMER_STATUS_ENDS,
  NATS_DELIVERY_COUNT,
  NATS_DUPLICATE,
  NATS_KV_BUCKET,
  NATS_KV_KEY,
  NATS_KV_REVISION,
  NATS_NAK_DELAY,
  NATS_PUBLISH_ATTEMPTS,
  NATS_RECEIVE_MODE,
  NATS_STREAM,
  NATS_STREAM_SEQUENCE,
  NATS_SUBJECT,
  OPERATION_NAME,
  OPERATION_TYPE,
  SERVER_ADDRESS,
  SERVER_PORT,
  SYSTEM_NATS,
} from "./semconv.js";

/** Operations that get a span (connection events are counted, not traced). */
export type TracedOperation = Exclude<Operation, OperationOf<"connection.event">>;

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
      return naming("send", "send", destination(op.subject), SpanKind.PRODUCER);
    case "receive":
      return naming("receive", "receive", op.stream, SpanKind.CLIENT);
    case "process":
      return naming("process", "process", destination(op.message.subject), SpanKind.CONSUMER);
    case "settle":
      return naming(op.action, "settle", destination(op.message.subject), SpanKind.CLIENT);
    case "consumer.status":
      return naming(op.kind, undefined, op.stream, SpanKind.CLIENT);
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
    [MESSAGING_SYSTEM]: SYSTEM_NATS,
    [OPERATION_NAME]: naming.name,
  };
  if (naming.type !== undefined) attrs[OPERATION_TYPE] = naming.type;
  if (naming.destination !== "") attrs[DESTINATION_NAME] = naming.destination;
  if (consumer !== undefined && consumer !== "") attrs[CONSUMER_GROUP] = consumer;
  const address = client.serverAddress;
  if (address !== undefined) attrs[SERVER_ADDRESS] = address;
  const port = client.serverPort;
  if (port !== undefined) attrs[SERVER_PORT] = port;
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
      return op.message.info.consumer;
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
  attrs[CLIENT_ID] = op.client.name;
  switch (op.kind) {
    case "publish":
      attrs[NATS_SUBJECT] = op.subject;
      if (op.msgID !== undefined) attrs[MESSAGE_ID] = op.msgID;
      if (recordBodySize) attrs[BODY_SIZE] = op.payload.length;
      return;
    case "receive":
      attrs[NATS_STREAM] = op.stream;
      attrs[NATS_RECEIVE_MODE] = op.mode;
      return;
    case "process":
    case "settle":
      addMessageAttributes(attrs, op.message, recordBodySize && op.kind === "process");
      if (op.kind === "settle" && op.delayMs !== undefined) attrs[NATS_NAK_DELAY] = op.delayMs;
      return;
    case "consumer.status":
      attrs[NATS_STREAM] = op.stream;
      attrs[NATS_CONSUMER_STATUS] = op.status;
      attrs[NATS_CONSUMER_STATUS_ENDS] = op.ends;
      return;
    default:
      if ("bucket" in op) {
        if (op.bucket !== "") attrs[NATS_KV_BUCKET] = op.bucket;
        if (op.key !== undefined) attrs[NATS_KV_KEY] = op.key;
        return;
      }
      if (op.stream !== "") attrs[NATS_STREAM] = op.stream;
      if ("ordered" in op) attrs[NATS_CONSUMER_ORDERED] = op.ordered;
      else {
        if (op.subject !== undefined) attrs[NATS_SUBJECT] = op.subject;
        if (op.seq !== undefined) attrs[NATS_STREAM_SEQUENCE] = op.seq;
      }
  }
}

function addMessageAttributes(attrs: Attributes, message: DeliveredMessage, bodySize: boolean) {
  const info = message.info;
  attrs[NATS_SUBJECT] = message.subject;
  attrs[NATS_STREAM] = info.stream;
  attrs[NATS_STREAM_SEQUENCE] = info.streamSequence;
  attrs[NATS_DELIVERY_COUNT] = info.deliveryCount;
  const id = getHeader(message.headers, "Nats-Msg-Id");
  if (id) attrs[MESSAGE_ID] = id;
  if (bodySize) attrs[BODY_SIZE] = message.data.length;
}

/** Attributes known once the operation has finished: what the server answered. */
export function addEndAttributes(span: Span, op: TracedOperation): void {
  switch (op.kind) {
    case "publish": {
      const { ack } = op;
      if (ack !== undefined) {
        span.setAttribute(NATS_STREAM, ack.stream);
        span.setAttribute(NATS_STREAM_SEQUENCE, ack.seq);
        if (ack.duplicate) span.setAttribute(NATS_DUPLICATE, true);
      }
      if (op.attempt > 1) span.setAttribute(NATS_PUBLISH_ATTEMPTS, op.attempt);
      return;
    }
    case "receive":
    case "process":
    case "settle":
    case "consumer.status":
      return;
    default:
      if ("bucket" in op) {
        if (op.revision !== undefined) span.setAttribute(NATS_KV_REVISION, op.revision);
      } else if ("ordered" in op && op.consumer !== undefined && op.consumer !== "") {
        // Named by the server during the call (ephemeral and ordered consumers).
        span.setAttribute(CONSUMER_GROUP, op.consumer);
      }
  }
}

/** The number of messages a finished `receive` returned. */
export function receivedCount(op: ReceiveOperation): number {
  return op.messages?.length ?? 0;
}
