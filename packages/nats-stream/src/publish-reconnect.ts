import { throwIfAborted } from "@helix/nats-core/internal";
import type { NatsConnection, Status } from "@nats-io/transport-node";

/** What `ReconnectWatch.ack` resolves to when the client reconnected while the ack was awaited. */
export const RECONNECTED: unique symbol = Symbol("reconnected");

/**
 * Tells a publisher's waiting publishes that the client reconnected.
 *
 * Why: a publish handed to the client while it is disconnected sits in the client's outbound
 * buffer, which the client empties at each dial attempt; one written just before a server died
 * is lost with the socket. Either way no ack will come, and without this the publish would wait
 * its whole ack timeout (5 s by default) before its retry, although the restarted server answers
 * within a few hundred ms. On `reconnect`, every publish still awaiting its ack is re-sent at once
 * (with the same `Nats-Msg-Id`, so it is stored once), and a retry waiting out its backoff goes now.
 *
 * The client's status iterator is watched only while the publisher has work in flight (`start`
 * / `stop`), so an idle publisher holds no listener on the connection.
 */
export class ReconnectWatch {
  #nc: NatsConnection;
  #status: AsyncIterable<Status> | undefined;
  #waiters = new Set<() => void>();

  constructor(nc: NatsConnection) {
    this.#nc = nc;
  }

  /** Starts watching the client's status (idempotent). */
  start(): void {
    if (this.#status !== undefined) return;
    // TODO(core): a `conn.onReconnect(listener)` fed by core's own status loop would spare every
    // publisher its own status iterator (see the report of the safe-defaults issue).
    const status = this.#nc.status();
    this.#status = status;
    void this.#watch(status);
  }

  /** Stops watching; waiting publishes then just wait for their ack. */
  stop(): void {
    const status = this.#status;
    this.#status = undefined;
    // The client's status iterator has `stop()`, though its type says only AsyncIterable.
    (status as { stop?: () => void } | undefined)?.stop?.();
  }

  /**
   * Settles like `sending`, or with `RECONNECTED` if the client reconnects first and `resend()`
   * (asked then) allows a re-send; or rejects with `CancelledError` when `signal` aborts. An
   * abandoned `sending` never becomes an unhandled rejection.
   */
  ack<T>(
    sending: Promise<T>,
    signal: AbortSignal | undefined,
    resend: () => boolean,
  ): Promise<T | typeof RECONNECTED> {
    return new Promise<T | typeof RECONNECTED>((resolve, reject) => {
      const done = (): void => {
        this.#waiters.delete(onReconnect);
        signal?.removeEventListener("abort", onAbort);
      };
      const onReconnect = (): void => {
        if (!resend()) return;
        done();
        sending.catch(noop);
        resolve(RECONNECTED);
      };
      const onAbort = (): void => {
        done();
        sending.catch(noop);
        reject(cancelled(signal));
      };
      if (signal?.aborted) return onAbort();
      this.#waiters.add(onReconnect);
      signal?.addEventListener("abort", onAbort, { once: true });
      sending.then(
        (value) => {
          done();
          resolve(value);
        },
        (err: unknown) => {
          done();
          reject(err);
        },
      );
    });
  }

  /**
   * Waits `ms` (a retry's backoff), ending early when the client reconnects; rejects with
   * `CancelledError` when `signal` aborts.
   */
  sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        signal?.removeEventListener("abort", onAbort);
      };
      const wake = (): void => {
        done();
        resolve();
      };
      const onAbort = (): void => {
        done();
        reject(cancelled(signal));
      };
      const timer = setTimeout(wake, ms);
      if (signal?.aborted) return onAbort();
      this.#waiters.add(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  async #watch(status: AsyncIterable<Status>): Promise<void> {
    try {
      for await (const event of status) {
        if (event.type === "reconnect") this.#wake();
      }
    } catch {
      // The iterator only ends; nothing to report.
    }
  }

  #wake(): void {
    const waiters = [...this.#waiters];
    for (const wake of waiters) wake();
  }
}

/** The `CancelledError` of an aborted publish, as core words it. */
function cancelled(signal: AbortSignal | undefined): unknown {
  try {
    throwIfAborted(signal, "publish");
  } catch (err) {
    return err;
  }
  return undefined;
}

function noop(): void {}
