import { abortable, throwIfAborted } from "./cancellation.js";
import type { Connection } from "./connection.js";
import { toHelixError } from "./error-mapping.js";
import { type HelixError, isHelixError } from "./errors.js";
import type { Operation } from "./operations.js";
import { assertUsable } from "./usable.js";

/** How `runOperation` cancels and maps errors. */
export interface RunOptions<O extends Operation> {
  /** Cancels waiting for the call: it rejects with `CancelledError`. */
  signal?: AbortSignal | undefined;
  /**
   * Whether an abort while the call runs rejects it at once (default `true`). `false` keeps only
   * the check before the call: for a call that ends itself early on abort with what it has (a
   * fetch returns the messages that arrived).
   */
  abortable?: boolean | undefined;
  /** The name in messages (`"<name>: cancelled"`). Default: the operation's kind. */
  name?: string | undefined;
  /**
   * Whether the call needs JetStream (refused at once on a server without it). Default `true`;
   * core NATS calls say `false`.
   */
  jetstream?: boolean | undefined;
  /**
   * Turns a failure into the error the caller gets; it may ask the server (a limit's value, a
   * stream that vanished). Default: `toHelixError` prefixed with the operation's kind.
   */
  mapError?: ((err: unknown, op: O) => HelixError | Promise<HelixError>) | undefined;
}

function mapDefault(err: unknown, op: Operation): HelixError {
  return toHelixError(err, { operation: op.kind });
}

/**
 * The one road through the middleware stack: every operation of every package runs here, in
 * this order:
 * 1. the caller builds `op`;
 * 2. the connection's middleware stack runs with it;
 * 3. inside the stack, an already aborted `signal` fails the call, so a middleware sees a call
 *    that was cancelled before it was sent; so does a connection that is closed or draining, or a
 *    server without JetStream (`assertUsable`): refused before anything is sent;
 * 4. `call(op)` is made cancellable by `signal` (it may fill in `op`: a revision, the messages);
 * 5. a failure is mapped by `mapError` inside the stack, so middlewares see the typed error, and
 *    an error a middleware throws is mapped too on the way out.
 */
export function runOperation<O extends Operation, T>(
  conn: Connection,
  op: O,
  call: (op: O) => Promise<T>,
  options: RunOptions<O> = {},
): Promise<T> {
  // Written with promise callbacks, not async functions: one promise layer fewer per call on
  // the success path (KV reads and writes run here).
  const { signal } = options;
  const name = options.name ?? op.kind;
  const mapError = options.mapError ?? mapDefault;
  const fail = (err: unknown): Promise<never> =>
    Promise.resolve(mapError(err, op)).then((mapped) => Promise.reject(mapped));
  const terminal = (): Promise<T> => {
    try {
      throwIfAborted(signal, name);
      assertUsable(conn, name, options.jetstream ?? true);
      const pending = call(op);
      const guarded =
        options.abortable === false || signal === undefined
          ? pending
          : abortable(pending, signal, name);
      return guarded.then(undefined, fail);
    } catch (err) {
      return fail(err);
    }
  };
  // Every middleware idle: the terminal maps its own errors, and nothing else can throw.
  if (conn.middleware.idle()) return terminal();
  return conn
    .run(op, terminal)
    .then(undefined, (err: unknown) => (isHelixError(err) ? Promise.reject(err) : fail(err)));
}
