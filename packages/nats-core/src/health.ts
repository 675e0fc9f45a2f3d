import type { NatsConnection } from "@nats-io/transport-node";
import { toHelixError } from "./error-mapping.js";
import { jetStreamApiPrefix } from "./jetstream-api.js";

/** The state of a connection as `status()` reports it. */
export type ConnectionState = "connected" | "reconnecting" | "disconnected" | "draining" | "closed";

/** The health of a connection: 200 when connected and JetStream answers, else 503. */
export interface HealthStatus {
  /** 200 when connected and JetStream answers, else 503 (an HTTP status for health endpoints). */
  code: 200 | 503;
  /** The connection's state. */
  connection: ConnectionState;
  /** True when the JetStream API answered the probe. */
  jetstream: boolean;
  /** The server connected to, without credentials; `null` while not connected. */
  server: {
    /** The server's host. */
    address: string;
    /** The server's port. */
    port: number;
  } | null;
  /** Why the status is 503, in a sentence; absent when healthy. */
  reason?: string;
}

/** Subject of the JetStream account-info request, honouring a domain or an API prefix. */
export function jetStreamInfoSubject(opts: {
  domain?: string | undefined;
  apiPrefix?: string | undefined;
}): string {
  return `${jetStreamApiPrefix(opts)}.INFO`;
}

/**
 * Asks the JetStream API for the account's info. Resolves to `null` when JetStream answered,
 * else to the reason it is unavailable. Never throws.
 */
export async function probeJetStream(
  nc: NatsConnection,
  subject: string,
  timeoutMs: number,
): Promise<string | null> {
  try {
    const reply = await nc.request(subject, undefined, { timeout: timeoutMs });
    const body = reply.json<{ error?: { description?: string; err_code?: number } }>();
    if (body.error)
      return `JetStream answered with an error: ${body.error.description ?? "unknown"}`;
    return null;
  } catch (err) {
    const mapped = toHelixError(err);
    switch (mapped.code) {
      case "TIMEOUT":
        return "JetStream did not answer in time";
      case "JETSTREAM_UNAVAILABLE":
        return "JetStream is not enabled or not ready (no responders)";
      default:
        return `JetStream probe failed: ${mapped.message}`;
    }
  }
}
