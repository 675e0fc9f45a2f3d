import type { ConnectionEvent } from "./events.js";
import { DEFAULT_JETSTREAM_TIMEOUT_MS } from "./jetstream-api.js";
import type { Plugin } from "./middleware.js";

/** TLS towards the NATS server. A client certificate is optional: server-only TLS works. */
export interface TlsConfig {
  /** Turn TLS on. `tls://` addresses turn it on too. */
  enabled?: boolean;
  /** Client certificate (PEM) for mutual TLS. Requires `keyFile`. */
  certFile?: string;
  /** Private key (PEM) of the client certificate. Requires `certFile`. */
  keyFile?: string;
  /** CA certificates (PEM) trusted to sign the server's certificate; the system's when empty. */
  rootCAFiles?: string[];
  /** Name the server's certificate must carry (SNI and verification), when it differs from the host. */
  serverName?: string;
  /** Skip verification of the server's certificate. For tests only. */
  insecureSkipVerify?: boolean;
}

/** One way to authenticate. Credentials inside an address URL count as `user`/`pass`. */
export interface AuthConfig {
  /** A token (the server's `authorization { token }`). */
  token?: string;
  /** A user name; goes with `pass`. */
  user?: string;
  /** The password of `user`. */
  pass?: string;
  /** An NKEY user seed (`SU…`). */
  nkeySeed?: string;
  /** A `.creds` file (JWT + seed) as issued by `nsc`. */
  credsFile?: string;
}

/** Reconnect policy. Reconnecting is on and unbounded by default. */
export interface ReconnectConfig {
  /** Default `true`. */
  enabled?: boolean;
  /** Attempts per server before giving up; `-1` (default) never gives up. */
  maxAttempts?: number;
  /** Wait between attempts to the same server. Default 2000 ms. */
  waitMs?: number;
  /** Random extra wait added to `waitMs`. Default 100 ms (1000 ms with TLS). */
  jitterMs?: number;
}

/** JetStream client options. */
export interface JetStreamConfig {
  /** JetStream domain (leaf-node setups). Exclusive with `apiPrefix`. */
  domain?: string;
  /** API prefix for imported JetStream APIs. Exclusive with `domain`. */
  apiPrefix?: string;
  /** Timeout of JetStream API requests and publish acks. Default 5000 ms. */
  timeoutMs?: number;
}

/** Configuration of `connect`. Every field is optional. */
export interface Config {
  /**
   * Server URLs (`nats://` or `tls://`; `host:port` means `nats://host:port`). Credentials may be
   * given inside a URL (`nats://user:pass@host:4222`). Default `["nats://localhost:4222"]`.
   */
  addresses?: string[];
  /** Connection name shown by the server. Default: detected from the platform (see README). */
  name?: string;
  /** TLS settings; off unless `enabled` or a `tls://` address. */
  tls?: TlsConfig;
  /** How to authenticate; at most one method (credentials in an address count as one). */
  auth?: AuthConfig;
  /** Reconnect policy; on and unbounded by default. */
  reconnect?: ReconnectConfig;
  /** JetStream client options. */
  jetstream?: JetStreamConfig;
  /**
   * Timeout of the first connection, in ms. Default 20000 ms. With `waitOnFirstConnect`, the
   * time all the attempts together may take.
   */
  timeoutMs?: number;
  /**
   * Wait for a server that is not there yet: a refused or unreachable first connection is tried
   * again every `reconnect.waitMs` until `timeoutMs` has passed (for a service that starts
   * before its NATS server, as in a compose file). Wrong credentials are not retried. Default
   * `false`: the first failure is thrown at once (a `ConnectionError` marked retryable).
   */
  waitOnFirstConnect?: boolean;
  /** Interval of client pings. Default 120000 ms. */
  pingIntervalMs?: number;
  /** Middleware plugins installed before the first operation. */
  plugins?: Plugin[];
  /** Receives connection events (disconnect, reconnect, errors…). Never receives credentials. */
  onEvent?: (event: ConnectionEvent) => void;
}

/** Defaults applied by `connect`. */
export const defaults = {
  /** `Config.addresses`: the local server. */
  addresses: ["nats://localhost:4222"],
  /** `Config.timeoutMs`: 20 s for the first connection. */
  timeoutMs: 20_000,
  /** `Config.pingIntervalMs`: 2 minutes. */
  pingIntervalMs: 120_000,
  /** `Config.reconnect`. */
  reconnect: {
    /** Reconnecting is on. */
    enabled: true,
    /** Never gives up. */
    maxAttempts: -1,
    /** 2 s between attempts to the same server. */
    waitMs: 2_000,
  },
  /** `Config.jetstream`. */
  jetstream: {
    /** 5 s for JetStream API requests and publish acks. */
    timeoutMs: DEFAULT_JETSTREAM_TIMEOUT_MS,
  },
} as const;
