import type { ConnectionEventOperation } from "@helix/nats-core";
import type { Attributes } from "@opentelemetry/api";
import { ERROR_TYPE, MESSAGING_SYSTEM, CLIENT_ID, SERVER_ADDRESS, SERVER_PORT, SYSTEM_NATS } from "./semconv.js";
import {
  commonAttributes,
  consumerOf,
  type OperationNaming,
  receivedCount,
  type TracedOperation,
} from "./span-shape.js";
import type { Telemetry } from "./telemetry.js";

/**
 * Records the metric points of one finished operation: its duration, and the messages it sent
 * or consumed. `errorType` is the span's `error.type`, or `undefined` on success.
 */
export function recordOperationMetrics(
  t: Telemetry,
  op: TracedOperation,
  naming: OperationNaming,
  seconds: number,
  errorType: string | undefined,
): void {
  const { instruments } = t;
  if (!instruments.enabled) return;
  const attrs = commonAttributes(naming, op.client, consumerOf(op));
  if (errorType !== undefined) attrs[ERROR_TYPE] = errorType;
  switch (op.kind) {
    case "process":
      instruments.processDuration.record(seconds, attrs);
      instruments.consumedMessages.add(1, attrs);
      return;
    case "consumer.status":
      // A notification, not a call: nothing to time.
      return;
    case "publish":
      instruments.operationDuration.record(seconds, attrs);
      instruments.sentMessages.add(1, attrs);
      return;
    case "receive": {
      instruments.operationDuration.record(seconds, attrs);
      const count = receivedCount(op);
      if (count > 0) instruments.consumedMessages.add(count, attrs);
      return;
    }
    default:
      instruments.operationDuration.record(seconds, attrs);
  }
}

/** Counts reconnects, by the server reconnected to. */
export function recordConnectionEvent(t: Telemetry, op: ConnectionEventOperation): void {
  const { event } = op;
  if (event.type !== "reconnect" || !t.instruments.enabled) return;
  const attrs: Attributes = { [MESSAGING_SYSTEM]: SYSTEM_NATS, [CLIENT_ID]: op.client.name };
  const server = splitHostPort(event.server);
  if (server.host !== "") attrs[SERVER_ADDRESS] = server.host;
  if (server.port !== undefined) attrs[SERVER_PORT] = server.port;
  t.instruments.reconnects.add(1, attrs);
}

/** `127.0.0.1:4222` / `[::1]:4222` → host and port (core has already removed credentials). */
function splitHostPort(server: string): { host: string; port: number | undefined } {
  const colon = server.lastIndexOf(":");
  const portText = colon >= 0 ? server.slice(colon + 1) : "";
  const port = /^\d+$/.test(portText) ? Number(portText) : undefined;
  const host = (port === undefined ? server : server.slice(0, colon)).replace(/^\[(.*)\]$/, "$1");
  return { host, port };
}
