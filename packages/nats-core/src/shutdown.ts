import type { Connection } from "./connection.js";

/** Options of `shutdownOnSignal`. */
export interface ShutdownOptions {
  /** The signals that start the shutdown. Default `["SIGTERM", "SIGINT"]`. */
  signals?: readonly NodeJS.Signals[];
  /**
   * How long the drain may take (pending publishes, running handlers), in ms. Past it the
   * connection is closed and the exit code is 1. Default 30 000 (Kubernetes' grace period).
   */
  timeoutMs?: number;
  /**
   * Runs first, before the drain: stop taking new work here (close the HTTP server, stop
   * consumes). Its failure is reported and the drain still happens.
   */
  beforeDrain?: () => void | Promise<void>;
  /** Told how the shutdown went: `undefined` when it drained cleanly. Default: `console.error` of a failure. */
  onDone?: (error: unknown) => void;
  /**
   * When the drain failed (its deadline passed, or the server could not be reached), end the
   * process with `process.exit(1)` after `onDone`: work that outlived the deadline would
   * otherwise keep it alive until the orchestrator kills it. Default `true`. A clean drain never
   * calls `process.exit`.
   */
  exitOnFailure?: boolean;
}

/** What `shutdownOnSignal` returns. */
export interface Shutdown {
  /**
   * Shuts down now, as the signal would: `beforeDrain`, then `conn.drain({ timeoutMs })`, then
   * `process.exitCode` = 0, or 1 when something failed. Safe to call twice: every call returns
   * the first one's promise, which never rejects.
   */
  (reason?: string): Promise<void>;
  /** Removes the signal listeners (a test, or a service that shuts down otherwise). */
  dispose(): void;
}

/**
 * The shutdown of a long-running service: on SIGTERM or SIGINT, stop taking work, drain the
 * connection with a deadline (pending acks and running handlers finish), close it, and set
 * `process.exitCode` (0 when it drained, 1 otherwise). After a clean drain the process ends on
 * its own once nothing else keeps it alive (close your HTTP server in `beforeDrain`); after a
 * failed one it exits with 1 (`exitOnFailure`). A second signal while it runs does nothing more;
 * the listeners are removed once it is done.
 *
 * ```ts
 * const conn = await connect(config);
 * const server = app.listen(8080);
 * shutdownOnSignal(conn, { beforeDrain: () => new Promise((r) => server.close(() => r())) });
 * ```
 */
export function shutdownOnSignal(conn: Connection, options: ShutdownOptions = {}): Shutdown {
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const onDone =
    options.onDone ??
    ((error: unknown) => {
      if (error !== undefined) console.error("[helix-nats] shutdown:", error);
    });
  let running: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    void shutdown(signal);
  };
  const dispose = (): void => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  const run = async (): Promise<void> => {
    let failure: unknown;
    try {
      await options.beforeDrain?.();
    } catch (err) {
      failure = err;
    }
    try {
      await conn.drain({ timeoutMs });
    } catch (err) {
      failure ??= err;
    }
    process.exitCode = failure === undefined ? (process.exitCode ?? 0) : 1;
    dispose();
    onDone(failure);
    if (failure !== undefined && (options.exitOnFailure ?? true)) process.exit(1);
  };
  const shutdown = ((_reason?: string) => {
    running ??= run();
    return running;
  }) as Shutdown;
  shutdown.dispose = dispose;
  for (const signal of signals) process.on(signal, onSignal);
  return shutdown;
}
