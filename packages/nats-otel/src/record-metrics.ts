import { type ConnectionEventOperation, parseAddress } from "@helix/nats-core";
import type { Attributes } from "@opentelemetry/api";
import type { MessagingMetrics } from "./metrics.js";
import { metricKey, type OperationShape } from "./operation-shapes.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_CLIENT_ID,
  ATTR_MESSAGING_NATS_DEADLETTER_REASON,
  ATTR_MESSAGING_SYSTEM,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  MESSAGING_SYSTEM_VALUE_NATS,
} from "./semconv.js";
import { receivedCount, type TracedOperation } from "./span-shape.js";

/**
 * Records the metric points of one finished operation: its duration, and the messages it sent
 * or consumed. `errorType` is the span's `error.type`, or `undefined` on success, when the
 * shape's shared attributes and key are used as they are.
 */
export function recordOperationMetrics(
  m: MessagingMetrics,
  op: TracedOperation,
  shape: OperationShape,
  seconds: number,
  errorType: string | undefined,
): void {
  if (op.kind === "consumer.status") return; // a notification, not a call: nothing to time
  let key = shape.metricKey;
  let attributes = shape.buildAttributes;
  if (errorType !== undefined) {
    key = metricKey(shape.naming, shape.consumer, op.client, errorType);
    attributes = () => ({ ...shape.attributes, [ATTR_ERROR_TYPE]: errorType });
  }
  // Counts first: they are this plugin's own totals and cannot fail, unlike the SDK's histogram.
  const processed = op.kind === "process" || op.kind === "core.process";
  if (processed) m.consumed.add(key, attributes, 1);
  else if (op.kind === "publish" || op.kind === "core.publish" || op.kind === "core.request")
    m.sent.add(key, attributes, 1);
  else if (op.kind === "publish.batch") m.sent.add(key, attributes, op.messages.length);
  else if (op.kind === "deadletter" && errorType === undefined) {
    const reason = op.reason ?? "";
    m.deadLettered.add(
      `${key}\n${reason}`,
      () => ({ ...attributes(), [ATTR_MESSAGING_NATS_DEADLETTER_REASON]: reason }),
      1,
    );
  } else if (op.kind === "receive") {
    const count = receivedCount(op);
    if (count > 0) m.consumed.add(key, attributes, count);
  }
  const histogram = processed ? m.processDuration : m.operationDuration;
  histogram.record(
    seconds,
    errorType === undefined ? shape.attributes : m.attributes(key, attributes),
  );
}

/** Counts reconnects, by the server reconnected to. */
export function recordConnectionEvent(m: MessagingMetrics, op: ConnectionEventOperation): void {
  const { event } = op;
  if (event.type !== "reconnect") return;
  const key = `${op.client.name}\n${event.server}`;
  m.reconnects.add(
    key,
    () => {
      const attrs: Attributes = {
        [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_VALUE_NATS,
        [ATTR_MESSAGING_CLIENT_ID]: op.client.name,
      };
      // `host:port`, credentials already removed by core.
      const server = parseAddress(event.server);
      if ("host" in server) {
        attrs[ATTR_SERVER_ADDRESS] = server.host;
        attrs[ATTR_SERVER_PORT] = server.port;
      }
      return attrs;
    },
    1,
  );
}
