import type { Status } from "@nats-io/transport-node";
import { redactAddress } from "./address.js";
import { scrubError } from "./secrets.js";

/**
 * What happened to a connection. `server` is `host:port`, never with credentials; `error` has
 * been scrubbed of secrets.
 */
export type ConnectionEvent =
  | {
      /** The connection to `server` was lost. */
      type: "disconnect";
      /** The server it was connected to (`host:port`). */
      server: string;
    }
  | {
      /** The client is trying to reconnect. */
      type: "reconnecting";
    }
  | {
      /** The client reconnected to `server`. */
      type: "reconnect";
      /** The server it reconnected to (`host:port`). */
      server: string;
    }
  | {
      /** The client reported an asynchronous error (e.g. a permission violation). */
      type: "error";
      /** The error, scrubbed of secrets. */
      error: Error;
    }
  | {
      /** `server` entered lame-duck mode: it is shutting down and clients should move. */
      type: "lame-duck";
      /** The server in lame-duck mode (`host:port`). */
      server: string;
    }
  | {
      /** The cluster's server list changed. */
      type: "servers-changed";
      /** Servers that joined (`host:port`). */
      added: string[];
      /** Servers that left (`host:port`). */
      deleted: string[];
    }
  | {
      /** The server stopped answering pings; the client will reconnect. */
      type: "stale-connection";
    }
  | {
      /** A subscription fell behind and the client dropped messages for it. */
      type: "slow-consumer";
      /** The subscription's subject. */
      subject: string;
      /** Messages pending on it. */
      pending: number;
    }
  | {
      /** The connection closed for good. */
      type: "close";
    };

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
