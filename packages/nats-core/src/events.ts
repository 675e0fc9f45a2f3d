import type { Status } from "@nats-io/transport-node";
import { redactAddress } from "./address.js";
import { scrubError } from "./secrets.js";

/**
 * What happened to a connection. `server` is `host:port`, never with credentials; `error` has
 * been scrubbed of secrets.
 */
export type ConnectionEvent =
  | { type: "disconnect"; server: string }
  | { type: "reconnecting" }
  | { type: "reconnect"; server: string }
  | { type: "error"; error: Error }
  | { type: "lame-duck"; server: string }
  | { type: "servers-changed"; added: string[]; deleted: string[] }
  | { type: "stale-connection" }
  | { type: "slow-consumer"; subject: string; pending: number }
  | { type: "close" };

/** The kinds of `ConnectionEvent`. */
export type ConnectionEventType = ConnectionEvent["type"];

/**
 * Translates a NATS client status into a `ConnectionEvent`, or `null` for statuses that are
 * not worth reporting (client pings, forced reconnects that a `reconnect` event follows).
 */
export function toConnectionEvent(
  status: Status,
  scrub: (text: string) => string,
): ConnectionEvent | null {
  switch (status.type) {
    case "disconnect":
      return { type: "disconnect", server: redactAddress(status.server) };
    case "reconnecting":
      return { type: "reconnecting" };
    case "reconnect":
      return { type: "reconnect", server: redactAddress(status.server) };
    case "error":
      return { type: "error", error: scrubError(status.error, scrub) };
    case "ldm":
      return { type: "lame-duck", server: redactAddress(status.server) };
    case "update":
      return {
        type: "servers-changed",
        added: (status.added ?? []).map(redactAddress),
        deleted: (status.deleted ?? []).map(redactAddress),
      };
    case "staleConnection":
      return { type: "stale-connection" };
    case "slowConsumer":
      return { type: "slow-consumer", subject: status.sub.getSubject(), pending: status.pending };
    case "close":
      return { type: "close" };
    default:
      return null;
  }
}
