/** TLS settings of a test server (all paths are PEM files, e.g. from `createTlsFixtures`). */
export interface TlsServerOptions {
  /** The server certificate. */
  certFile: string;
  /** The server certificate's private key. */
  keyFile: string;
  /** The CA that client certificates must chain to (needed when `verify` is true). */
  caFile?: string;
  /** Require and verify client certificates (mutual TLS, `--tlsverify`). Default false. */
  verify?: boolean;
}

/** Options of `startServer`. */
export interface StartServerOptions {
  /** Enable JetStream (`-js`) with a fresh temp store dir. Default true. */
  jetstream?: boolean;
  /** A fixed client port. Default: a random free one (`-p -1`). */
  port?: number;
  /** The server name (`--server_name`). Default: `helix-<random>`. */
  name?: string;
  /** Require this user (with `pass`) on every connection. Exclusive with `token`. */
  user?: string;
  /** The password of `user`. */
  pass?: string;
  /** Require this token on every connection. Exclusive with `user`/`pass`. */
  token?: string;
  /** Serve TLS (and, with `verify`, require client certificates). */
  tls?: TlsServerOptions;
  /**
   * Text of a nats-server configuration file: users with permissions, NKEY users, an
   * `operator` and `resolver` for JWT (creds) auth, `max_payload`… It is written into the
   * server's temp dir and loaded with `-c`; the flags this package sets (address, ports, store
   * dir, `user`/`pass`/`token`, `tls`) take precedence over the file. Process mode only.
   */
  config?: string;
  /**
   * Extra `nats-server` flags, appended last (e.g. `["-DV"]`). Flags only: nats-server ignores
   * everything after the first non-flag argument. Do not pass `-p`, `-m`, `-a` or `--store_dir`.
   */
  args?: readonly string[];
  /** Copy the server's log lines to this process's stderr, prefixed by its name. Default false. */
  debug?: boolean;
  /** How long to wait for the server to be ready, in ms. Default 20 000. */
  startTimeoutMs?: number;
  /**
   * The nats-server release to run, e.g. `"2.15.3"` or `"v2.9.10"`. An installed binary of that
   * exact version is used (`NATS_SERVER_BIN`, `PATH`, or the cache); otherwise it is built once with
   * `go install github.com/nats-io/nats-server/v2@v<version>` into the cache
   * (`~/.cache/helix-nats/nats-server/v<version>/`), which needs Go. Default:
   * `HELIX_NATS_SERVER_VERSION`, else whichever binary is installed.
   */
  version?: string;
  /** Docker image used by the container fallback. Default `nats:2.10-alpine`, or `nats:<version>-alpine`. */
  containerImage?: string;
}

/** How a test server runs. */
export type NatsServerMode = "process" | "container";

/**
 * One running nats-server for tests. Every method is safe to call after `stop()` resolves only
 * in the sense that `stop()` itself is idempotent; the others then reject.
 */
export interface NatsServer {
  /** `"process"` for a spawned binary, `"container"` for the Docker fallback. */
  readonly mode: NatsServerMode;
  /** The server name (`--server_name`); stream info's `cluster.leader` reports this name. */
  readonly name: string;
  /** The client URL, `nats://127.0.0.1:<port>`, never with credentials in it. */
  readonly url: string;
  /**
   * `nats://user:pass@127.0.0.1:<port>`, only when `user`/`pass` were set: for tools such as the
   * nats CLI. The NATS JS client v3 ignores credentials in a URL; pass `user`/`pass` to it.
   */
  readonly urlWithCredentials: string | undefined;
  /** The client port; `restart()` keeps it. */
  readonly port: number;
  /** The address the server listens on (`127.0.0.1` for a spawned binary). */
  readonly host: string;
  /** The HTTP monitoring base URL (`/varz`, `/jsz`, `/healthz`…), or `undefined`. */
  readonly monitorUrl: string | undefined;
  /** The JetStream store dir; `restart()` keeps it. `undefined` in container mode. */
  readonly storeDir: string | undefined;
  /** The pid of the current process (changes on `restart()`); `undefined` in container mode. */
  readonly pid: number | undefined;
  /** The server version from its INFO line, e.g. `"2.9.10"`. */
  readonly version: string;
  /** Whether the process is currently stopped by `pause()`. */
  readonly paused: boolean;
  /** Stops the server (SIGTERM, then SIGKILL after a few seconds) and removes its temp files. Idempotent. */
  stop(): Promise<void>;
  /** Stops (if running) and starts again on the same port and store dir; resolves when ready. */
  restart(): Promise<void>;
  /** Sends `signal` (default SIGKILL) and waits for the process to exit; `restart()` revives it. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Freezes the process (SIGSTOP): it keeps its sockets but answers nothing. */
  pause(): Promise<void>;
  /** Thaws a paused process (SIGCONT). */
  resume(): Promise<void>;
  /** Same as `stop()`, for `await using server = await startServer()`. */
  [Symbol.asyncDispose](): Promise<void>;
}
