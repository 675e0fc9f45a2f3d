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
  ATTR_MESSAGING_CLIENT_ID,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_NATS_CONSUMER_ORDERED,
  ATTR_MESSAGING_NATS_CONSUMER_STATUS,
  ATTR_MESSAGING_NATS_CONSUMER_STATUS_ENDS,
  ATTR_MESSAGING_NATS_KV_BUCKET,
  ATTR_MESSAGING_NATS_KV_KEY,
  ATTR_MESSAGING_NATS_KV_REVISION,
  ATTR_MESSAGING_NATS_MESSAGE_DELIVERY_COUNT,
  ATTR_MESSAGING_NATS_MESSAGE_DUPLICATE,
  ATTR_MESSAGING_NATS_MESSAGE_STREAM_SEQUENCE,
  ATTR_MESSAGING_NATS_NAK_DELAY_MS,
  ATTR_MESSAGING_NATS_PUBLISH_ATTEMPTS,
  ATTR_MESSAGING_NATS_RECEIVE_MODE,
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
  attrs[ATTR_MESSAGING_CLIENT_ID] = op.client.name;
  switch (op.kind) {
    case "publish":
      attrs[ATTR_MESSAGING_NATS_SUBJECT] = op.subject;
      if (op.msgID !== undefined) attrs[ATTR_MESSAGING_MESSAGE_ID] = op.msgID;
      if (recordBodySize) attrs[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = op.payload.length;
      return;
    case "receive":
      attrs[ATTR_MESSAGING_NATS_STREAM_NAME] = op.stream;
      attrs[ATTR_MESSAGING_NATS_RECEIVE_MODE] = op.mode;
      return;
    case "process":
    case "settle":
      addMessageAttributes(attrs, op.message, recordBodySize && op.kind === "process");
      if (op.kind === "settle" && op.delayMs !== undefined)
        attrs[ATTR_MESSAGING_NATS_NAK_DELAY_MS] = op.delayMs;
      return;
    case "consumer.status":
      attrs[ATTR_MESSAGING_NATS_STREAM_NAME] = op.stream;
      attrs[ATTR_MESSAGING_NATS_CONSUMER_STATUS] = op.status;
      attrs[ATTR_MESSAGING_NATS_CONSUMER_STATUS_ENDS] = op.ends;
      return;
    default:
      if ("bucket" in op) {
        if (op.bucket !== "") attrs[ATTR_MESSAGING_NATS_KV_BUCKET] = op.bucket;
        if (op.key !== undefined) attrs[ATTR_MESSAGING_NATS_KV_KEY] = op.key;
        return;
      }
      if (op.stream !== "") attrs[ATTR_MESSAGING_NATS_STREAM_NAME] = op.stream;
      if ("ordered" in op) attrs[ATTR_MESSAGING_NATS_CONSUMER_ORDERED] = op.ordered;
      else {
        if (op.subject !== undefined) attrs[ATTR_MESSAGING_NATS_SUBJECT] = op.subject;
        if (op.seq !== undefined) attrs[ATTR_MESSAGING_NATS_MESSAGE_STREAM_SEQUENCE] = op.seq;
      }
  }
}

function addMessageAttributes(attrs: Attributes, message: DeliveredMessage, bodySize: boolean) {
  const info = message.info;
  attrs[ATTR_MESSAGING_NATS_SUBJECT] = message.subject;
  attrs[ATTR_MESSAGING_NATS_STREAM_NAME] = info.stream;
  attrs[ATTR_MESSAGING_NATS_MESSAGE_STREAM_SEQUENCE] = info.streamSequence;
  attrs[ATTR_MESSAGING_NATS_MESSAGE_DELIVERY_COUNT] = info.deliveryCount;
  const id = getHeader(message.headers, "Nats-Msg-Id");
  if (id) attrs[ATTR_MESSAGING_MESSAGE_ID] = id;
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
      return;
    }
    case "receive":
    case "process":
    case "settle":
    case "consumer.status":
      return;
    default:
      if ("bucket" in op) {
        if (op.revision !== undefined)
          span.setAttribute(ATTR_MESSAGING_NATS_KV_REVISION, op.revision);
      } else if ("ordered" in op && op.consumer !== undefined && op.consumer !== "") {
        // Named by the server during the call (ephemeral and ordered consumers).
        span.setAttribute(ATTR_MESSAGING_CONSUMER_GROUP_NAME, op.consumer);
      }
  }
}

/** The number of messages a finished `receive` returned. */
export function receivedCount(op: ReceiveOperation): number {
  return op.messages?.length ?? 0;
}
