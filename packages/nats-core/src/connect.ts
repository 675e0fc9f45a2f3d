import { readFileSync } from "node:fs";
import {
  type Authenticator,
  credsAuthenticator,
  type NatsConnection,
  type NodeConnectionOptions,
  connect as natsConnect,
  nkeyAuthenticator,
} from "@nats-io/transport-node";
import type { Config } from "./config.js";
import { type ResolvedConfig, resolveConfig } from "./config-validation.js";
import { type Connection, HelixConnection } from "./connection.js";
import { toHelixError } from "./error-mapping.js";
import { ConnectionError, isHelixError } from "./errors.js";
import { MiddlewareStack } from "./middleware.js";
import { installPlugins } from "./plugins.js";
import { scrubError, secretScrubber } from "./secrets.js";

/**
 * Connects to NATS with JetStream. The configuration is validated first, without network I/O,
 * and every problem is reported at once in a `ConfigError`. A failed connection is a
 * `ConnectionError` carrying the server's reason and never a credential; whatever was opened
 * before the failure is closed. Plugins are installed before any I/O, so a plugin whose
 * `install` throws fails the call without a connection being made.
 */
export async function connect(config: Config = {}): Promise<Connection> {
  const resolved = resolveConfig(config);
  const stack = new MiddlewareStack();
  installPlugins(stack, resolved.plugins);
  const options = toClientOptions(resolved);
  const scrub = secretScrubber(resolved.secrets);
  const target = describeTarget(resolved);

  const deadline = Date.now() + resolved.timeoutMs;
  for (;;) {
    let nc: NatsConnection | undefined;
    try {
      nc = await natsConnect({ ...options, timeout: Math.max(deadline - Date.now(), 1) });
      return new HelixConnection(nc, resolved, stack);
    } catch (err) {
      if (nc && !nc.isClosed()) await nc.close().catch(() => {});
      if (isHelixError(err)) throw err;
      const failure = connectionFailure(err, target, scrub);
      const wait = Math.min(resolved.reconnect.waitMs, deadline - Date.now());
      if (!resolved.waitOnFirstConnect || !failure.retryable || wait <= 0) throw failure;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Builds the NATS client's options from a validated configuration. Reads key and creds files. */
export function toClientOptions(config: ResolvedConfig): NodeConnectionOptions {
  const options: NodeConnectionOptions = {
    servers: config.servers.map((s) =>
      s.host.includes(":") ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`,
    ),
    name: config.name,
    timeout: config.timeoutMs,
    pingInterval: config.pingIntervalMs,
    reconnect: config.reconnect.enabled,
    maxReconnectAttempts: config.reconnect.maxAttempts,
    reconnectTimeWait: config.reconnect.waitMs,
    waitOnFirstConnect: false,
    // The client's async traces build two Error objects (stack captures) per request, a JetStream
    // publish included, to append the caller's stack to a failure's. Helix maps every failure to
    // a typed error with the same class, code and message either way: measured at several µs
    // per publish (bench/README.md), for a stack nobody reads.
    noAsyncTraces: true,
  };
  if (config.reconnect.jitterMs !== undefined) {
    options.reconnectJitter = config.reconnect.jitterMs;
    options.reconnectJitterTLS = config.reconnect.jitterMs;
  }
  const auth = config.auth;
  switch (auth.kind) {
    case "token":
      options.token = auth.token;
      break;
    case "userpass":
      options.user = auth.user;
      if (auth.pass !== undefined) options.pass = auth.pass;
      break;
    case "nkey":
      options.authenticator = nkeyAuthenticator(
        new TextEncoder().encode(auth.seed),
      ) as Authenticator;
      break;
    case "creds":
      options.authenticator = credsAuthenticator(readFileSync(auth.file)) as Authenticator;
      break;
  }
  if (config.tls) {
    const tls: NonNullable<NodeConnectionOptions["tls"]> & { servername?: string } = {
      rejectUnauthorized: !config.tls.insecureSkipVerify,
    };
    if (config.tls.certFile) tls.certFile = config.tls.certFile;
    if (config.tls.keyFile) tls.keyFile = config.tls.keyFile;
    if (config.tls.rootCAFiles.length > 0) {
      tls.ca = config.tls.rootCAFiles.map((f) => readFileSync(f, "utf8")).join("\n");
    }
    if (config.tls.serverName) tls.servername = config.tls.serverName;
    options.tls = tls;
  }
  return options;
}

function describeTarget(config: ResolvedConfig): string {
  const urls = config.servers.map((s) => s.url).join(", ");
  const who = config.auth.kind === "userpass" ? ` as "${config.auth.user}"` : "";
  return `${urls}${who}`;
}

function connectionFailure(
  err: unknown,
  target: string,
  scrub: (text: string) => string,
): ConnectionError {
  const clean = err instanceof Error ? scrubError(err, scrub) : err;
  const mapped = toHelixError(clean);
  const reason = scrub(describeReason(clean));
  // A server that refused or did not answer may be there later; one that refused the
  // credentials will refuse them again.
  const refused = mapped.code === "AUTHORIZATION_FAILED";
  return new ConnectionError(`Could not connect to ${target}: ${reason}`, {
    cause: clean,
    code: refused ? "AUTHORIZATION_FAILED" : "CONNECTION_FAILED",
    retryable: !refused,
  });
}

function describeReason(err: unknown): string {
  if (typeof err !== "object" || err === null) return String(err);
  const e = err as { name?: string; message?: string; code?: string; cause?: unknown };
  const own = e.message && e.message !== "" ? e.message : (e.code ?? e.name ?? "unknown error");
  const cause = e.cause as { message?: string; code?: string } | undefined;
  if (cause && typeof cause === "object" && cause.message && !own.includes(cause.message)) {
    return `${own} (${cause.message})`;
  }
  return own;
}
