import type { JetStreamOptions } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { ConnectionError, JetStreamUnavailableError } from "./errors.js";

/** What these checks read of a `Connection` (an interface, so this file needs no connection.ts). */
export interface UsableConnection {
  readonly nats: NatsConnection;
  readonly jetstreamOptions: Readonly<JetStreamOptions>;
  readonly server: { address: string; port: number } | undefined;
}

/**
 * Refuses, before anything is sent, a call that cannot succeed on this connection:
 * - closed: `ConnectionError` (`CONNECTION_CLOSED`);
 * - draining (the client drains its subscriptions, so an answer would never arrive although the
 *   server may apply the call): `ConnectionError` (`CONNECTION_DRAINING`);
 * - with `jetstream`, a server whose INFO says JetStream is off (and no domain or API prefix that
 *   reaches it elsewhere): `JetStreamUnavailableError`, not retryable.
 * Work that `drain()` waits for (pending publishes, running handlers) runs before the client
 * drains, so it is not refused.
 */
export function assertUsable(conn: UsableConnection, operation: string, jetstream = true): void {
  const nc = conn.nats;
  if (nc.isClosed()) {
    throw new ConnectionError(`${operation}: the connection is closed`, {
      code: "CONNECTION_CLOSED",
    });
  }
  if (nc.isDraining()) {
    throw new ConnectionError(
      `${operation}: the connection is draining, so nothing new is sent (it would be applied but never answered)`,
      { code: "CONNECTION_DRAINING" },
    );
  }
  if (jetstream && !jetStreamEnabled(conn)) {
    throw new JetStreamUnavailableError(
      `${operation}: JetStream is not enabled on the server ${serverName(conn)}; start it with -js or a jetstream {} block`,
      { retryable: false },
    );
  }
}

/**
 * Whether JetStream can be reached, by what the server said in its INFO: on (`jetstream: true`),
 * or reached through a domain or an API prefix (a leaf node forwards it). `true` before any INFO.
 */
export function jetStreamEnabled(conn: UsableConnection): boolean {
  const info = conn.nats.info;
  if (info === undefined) return true;
  if (conn.jetstreamOptions.domain || conn.jetstreamOptions.apiPrefix) return true;
  return info.jetstream === true;
}

function serverName(conn: UsableConnection): string {
  const info = conn.nats.info;
  const where = conn.server ? ` at ${conn.server.address}:${conn.server.port}` : "";
  return `"${info?.server_name ?? info?.server_id ?? "unknown"}"${where}`;
}
