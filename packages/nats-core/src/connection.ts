import {
  type JetStreamClient,
  type JetStreamManager,
  type JetStreamOptions,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { splitHostPort } from "./address.js";
import type { ResolvedConfig } from "./config-validation.js";
import { toHelixError } from "./error-mapping.js";
import { ConfigError, ConnectionError, type HelixError, TimeoutError } from "./errors.js";
import { type ConnectionEvent, toConnectionEvent } from "./events.js";
import {
  type ConnectionState,
  type HealthStatus,
  jetStreamInfoSubject,
  probeJetStream,
} from "./health.js";
import type { MiddlewareStack, Plugin } from "./middleware.js";
import type { ClientInfo, Operation } from "./operations.js";
import { installPlugins, pluginProblem } from "./plugins.js";
import { scrubError, secretScrubber } from "./secrets.js";
import { jetStreamEnabled } from "./usable.js";

const CONNECTION_BRAND = Symbol.for("@helix/nats.connection");
/** How long `drain()` waits for registered work unless told otherwise: 30 s. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/** Work that must finish before the connection drains (pending publishes, running handlers). */
export type DrainHook = () => Promise<void>;

/** A connection to NATS with JetStream, its middleware stack and its lifecycle. */
export interface Connection extends AsyncDisposable {
  /** The raw NATS connection (escape hatch). */
  readonly nats: NatsConnection;
  /** The raw JetStream client, with the configured domain, prefix and timeout. */
  readonly jetstream: JetStreamClient;
  /** The JetStream options (domain, API prefix, timeout) the packages build their clients with. */
  readonly jetstreamOptions: Readonly<JetStreamOptions>;
  /** The raw JetStream manager; created on first use. */
  manager(): Promise<JetStreamManager>;
  /** The middleware stack every operation of this connection runs through. */
  readonly middleware: MiddlewareStack;
  /** Installs a plugin into the middleware stack. Throws `ConfigError` for a bad or duplicate plugin. */
  use(plugin: Plugin): this;
  /** Runs an operation through the middleware stack, then `terminal`. */
  run<T>(op: Operation, terminal: () => Promise<T>): Promise<T>;
  /** The connection name and current server, shared by every operation. */
  readonly client: ClientInfo;
  /** The server currently connected to, without credentials; `undefined` while disconnected. */
  readonly server:
    | {
        /** The server's host. */
        address: string;
        /** The server's port. */
        port: number;
      }
    | undefined;
  /** Health: 200 when connected and JetStream answers, else 503. Never throws. */
  status(): Promise<HealthStatus>;
  /**
   * Registers work to finish when the connection drains (a publisher's pending acks, a
   * consumer's running handlers). Returns a function that unregisters it.
   */
  onDrain(hook: DrainHook): () => void;
  /**
   * Finishes registered work (in-flight publishes and handlers), drains subscriptions, then
   * closes. Bounded by `timeoutMs` (default 30 s): past it the connection is closed and a
   * `TimeoutError` thrown. If the server cannot be reached, the connection is closed and a
   * `ConnectionError` thrown. Idempotent: later calls return the first call's promise.
   */
  drain(options?: { timeoutMs?: number }): Promise<void>;
  /** Closes at once; in-flight work is abandoned. Prefer `drain()`. */
  close(): Promise<void>;
  /**
   * Reports an error that no caller can receive (a `publishAsync` failure nobody awaited, a
   * failure inside a background task) as an `error` event: to `onEvent` and through the
   * middleware stack, scrubbed of secrets. Never throws.
   */
  report(error: HelixError): void;
  /** Resolves once the connection is closed: with `undefined`, or the error that closed it. */
  readonly closed: Promise<HelixError | undefined>;
  /** True once closed. */
  readonly isClosed: boolean;
}

/** True when `value` is a helix-nats `Connection` (from any copy of this package). */
export function isConnection(value: unknown): value is Connection {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[CONNECTION_BRAND] === true
  );
}

class ConnectionClientInfo implements ClientInfo {
  readonly name: string;
  #nc: NatsConnection;
  #cachedFor = "";
  #server: { address: string; port: number } | undefined;

  constructor(name: string, nc: NatsConnection) {
    this.name = name;
    this.#nc = nc;
  }

  get server(): { address: string; port: number } | undefined {
    if (this.#nc.isClosed()) return undefined;
    const current = this.#nc.getServer();
    if (current !== this.#cachedFor) {
      this.#cachedFor = current;
      this.#server = splitHostPort(current) ?? undefined;
    }
    return this.#server;
  }

  get serverAddress(): string | undefined {
    return this.server?.address;
  }

  get serverPort(): number | undefined {
    return this.server?.port;
  }
}

/** The `Connection` implementation returned by `connect`. */
export class HelixConnection implements Connection {
  readonly nats: NatsConnection;
  readonly jetstream: JetStreamClient;
  readonly jetstreamOptions: Readonly<JetStreamOptions>;
  readonly middleware: MiddlewareStack;
  readonly client: ConnectionClientInfo;
  readonly closed: Promise<HelixError | undefined>;

  #config: ResolvedConfig;
  #scrub: (text: string) => string;
  #manager: Promise<JetStreamManager> | undefined;
  #state: ConnectionState = "connected";
  #drainHooks = new Set<DrainHook>();
  #draining: Promise<void> | undefined;
  #plugins = new Set<string>();

  constructor(nc: NatsConnection, config: ResolvedConfig, stack: MiddlewareStack) {
    Object.defineProperty(this, CONNECTION_BRAND, { value: true });
    this.nats = nc;
    this.middleware = stack;
    this.#config = config;
    this.#scrub = secretScrubber(config.secrets);
    this.jetstreamOptions = Object.freeze({
      timeout: config.jetstream.timeoutMs,
      ...(config.jetstream.domain ? { domain: config.jetstream.domain } : {}),
      ...(config.jetstream.apiPrefix ? { apiPrefix: config.jetstream.apiPrefix } : {}),
    });
    this.jetstream = jetstream(nc, { ...this.jetstreamOptions });
    this.client = new ConnectionClientInfo(config.name, nc);
    this.closed = nc.closed().then((err) => {
      this.#state = "closed";
      return err ? toHelixError(scrubError(err, this.#scrub)) : undefined;
    });
    for (const plugin of config.plugins) this.#plugins.add(plugin.name);
    this.#watchStatus().catch((err: unknown) => {
      this.#emit({ type: "error", error: scrubError(toHelixError(err), this.#scrub) });
    });
  }

  get server(): { address: string; port: number } | undefined {
    return this.#currentState() === "connected" ? this.client.server : undefined;
  }

  get isClosed(): boolean {
    return this.nats.isClosed();
  }

  manager(): Promise<JetStreamManager> {
    this.#manager ??= jetstreamManager(this.nats, { ...this.jetstreamOptions, checkAPI: false });
    return this.#manager;
  }

  use(plugin: Plugin): this {
    const problem =
      pluginProblem(plugin) ??
      (this.#plugins.has(plugin.name) ? `plugin "${plugin.name}" is already installed` : undefined);
    if (problem) {
      throw new ConfigError([{ message: problem, path: ["plugins"] }], { subject: "plugin" });
    }
    installPlugins(this.middleware, [plugin]);
    this.#plugins.add(plugin.name);
    return this;
  }

  run<T>(op: Operation, terminal: () => Promise<T>): Promise<T> {
    return this.middleware.run(op, terminal);
  }

  async status(): Promise<HealthStatus> {
    const connection = this.#currentState();
    const server = this.server ?? null;
    if (connection !== "connected") {
      return {
        code: 503,
        connection,
        jetstream: false,
        server,
        reason: `the connection is ${connection}`,
      };
    }
    if (!jetStreamEnabled(this)) {
      return {
        code: 503,
        connection,
        jetstream: false,
        server,
        reason: "JetStream is not enabled on this server (its INFO says so)",
      };
    }
    const subject = jetStreamInfoSubject(this.#config.jetstream);
    const timeout = Math.min(this.#config.jetstream.timeoutMs, 2_000);
    const problem = await probeJetStream(this.nats, subject, timeout);
    if (problem !== null)
      return { code: 503, connection, jetstream: false, server, reason: problem };
    return { code: 200, connection, jetstream: true, server };
  }

  report(error: HelixError): void {
    this.#emit({ type: "error", error: scrubError(error, this.#scrub) });
  }

  onDrain(hook: DrainHook): () => void {
    this.#drainHooks.add(hook);
    return () => {
      this.#drainHooks.delete(hook);
    };
  }

  drain(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#draining ??= this.#drain(options.timeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
    return this.#draining;
  }

  async close(): Promise<void> {
    if (!this.nats.isClosed()) await this.nats.close();
    await this.closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.drain();
  }

  async #drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<"expired">((resolve) => {
      timer = setTimeout(() => resolve("expired"), timeoutMs);
    });
    try {
      const outcome = await Promise.race([this.#finishWorkThenDrain(), expired]);
      if (outcome === "expired") {
        await this.close();
        throw new TimeoutError(
          `drain: in-flight work did not finish within ${timeoutMs} ms; the connection was closed`,
        );
      }
    } finally {
      clearTimeout(timer);
    }
    await this.closed;
  }

  async #finishWorkThenDrain(): Promise<"drained"> {
    // Work registered while the drain waits (a publisher first used by a handler that is still
    // running) is waited for too: rounds until a round finds no hook it has not run.
    const ran = new Set<DrainHook>();
    for (;;) {
      const fresh = [...this.#drainHooks].filter((hook) => !ran.has(hook));
      if (fresh.length === 0) break;
      for (const hook of fresh) ran.add(hook);
      const results = await Promise.allSettled(fresh.map((hook) => hook()));
      for (const result of results) {
        if (result.status === "rejected") {
          const error = scrubError(
            toHelixError(result.reason, { operation: "drain" }),
            this.#scrub,
          );
          this.#emit({ type: "error", error });
        }
      }
    }
    if (this.nats.isClosed() || this.nats.isDraining()) return "drained";
    try {
      await this.nats.drain();
    } catch (err) {
      if (!this.nats.isClosed()) await this.nats.close();
      const name = (err as { name?: string }).name;
      if (name === "ClosedConnectionError" || name === "DrainingConnectionError") return "drained";
      throw new ConnectionError(
        "drain: the server could not be reached to drain subscriptions; the connection was closed",
        { cause: scrubError(err as Error, this.#scrub), code: "CONNECTION_CLOSED" },
      );
    }
    return "drained";
  }

  /**
   * What `console.log(conn)` and `util.inspect` show. The default would print the raw client,
   * whose options hold the password, token or authenticator: show a safe summary instead.
   */
  [Symbol.for("nodejs.util.inspect.custom")](): object {
    return this.toJSON();
  }

  /** A summary without credentials, for logs: name, server, state and plugins. */
  toJSON(): { name: string; server: string | null; state: ConnectionState; plugins: string[] } {
    const server = this.server;
    return {
      name: this.client.name,
      server: server ? `${server.address}:${server.port}` : null,
      state: this.#currentState(),
      plugins: [...this.#plugins],
    };
  }

  #currentState(): ConnectionState {
    if (this.nats.isClosed()) return "closed";
    if (this.nats.isDraining() || this.#draining) return "draining";
    return this.#state;
  }

  async #watchStatus(): Promise<void> {
    for await (const status of this.nats.status()) {
      switch (status.type) {
        case "disconnect":
        case "reconnecting":
          this.#state = this.#config.reconnect.enabled ? "reconnecting" : "disconnected";
          break;
        case "reconnect":
          this.#state = "connected";
          break;
        case "close":
          this.#state = "closed";
          break;
      }
      const event = toConnectionEvent(status, this.#scrub);
      if (event) this.#emit(event);
    }
  }

  #emit(event: ConnectionEvent): void {
    const onEvent = this.#config.onEvent;
    if (onEvent) {
      try {
        onEvent(event);
      } catch {
        // A throwing listener must not stop the connection's event loop.
      }
    }
    if (this.middleware.size > 0) {
      this.middleware
        .run({ kind: "connection.event", client: this.client, event }, noop)
        .catch(() => {});
    }
  }
}

const noop = (): Promise<void> => Promise.resolve();
