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
export async function runOperation<O extends Operation, T>(
  conn: Connection,
  op: O,
  call: (op: O) => Promise<T>,
  options: RunOptions<O> = {},
): Promise<T> {
  const { signal } = options;
  const name = options.name ?? op.kind;
  const mapError = options.mapError ?? mapDefault;
  try {
    return await conn.run(op, async () => {
      try {
        throwIfAborted(signal, name);
        assertUsable(conn, name, options.jetstream ?? true);
        const pending = call(op);
        return await (options.abortable === false ? pending : abortable(pending, signal, name));
      } catch (err) {
        throw await mapError(err, op);
      }
    });
  } catch (err) {
    throw isHelixError(err) ? err : await mapError(err, op);
  }
}
