import { CancelledError } from "./errors.js";

/*
 * Cancellation with an `AbortSignal`, shared by every package: the NATS client takes no signal,
 * so a call stops waiting (and rejects with `CancelledError`) while the request itself may still
 * reach the server.
 */

/** Throws `CancelledError` when `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, operation: string): void {
  if (signal?.aborted) throw cancelled(operation, signal);
}

/**
 * Settles like `promise`, or rejects with `CancelledError` as soon as `signal` aborts. The
 * abandoned promise's later rejection is swallowed so it never becomes an unhandled rejection.
 */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  operation: string,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(cancelled(operation, signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.catch(() => {});
      reject(cancelled(operation, signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

/** Waits `ms` milliseconds; rejects with `CancelledError` when `signal` aborts first. */
export function sleep(
  ms: number,
  signal: AbortSignal | undefined,
  operation: string,
): Promise<void> {
  if (signal === undefined) return new Promise((resolve) => setTimeout(resolve, ms));
  if (signal.aborted) return Promise.reject(cancelled(operation, signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled(operation, signal));
    };
    // Either way the other side is removed: a long-lived signal keeps no listener per sleep.
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function cancelled(operation: string, signal: AbortSignal): CancelledError {
  return new CancelledError(`${operation}: cancelled`, { cause: signal.reason });
}
