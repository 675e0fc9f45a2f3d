// Waiting for the pipeline to finish, without waiting for ever when it cannot.

export interface WaitOptions {
  /** True once everything expected has happened. */
  done(): boolean;
  /** A number that grows while work is being done. */
  progress(): number;
  /** Give up after this long without progress. */
  stallMs: number;
  signal: AbortSignal;
  /** Settles when the work stops on its own (the consume ended). */
  ended: Promise<unknown>;
}

/** Polls until done, stalled, interrupted or ended; says which. */
export async function waitForProgress(
  options: WaitOptions,
): Promise<"done" | "stalled" | "interrupted" | "ended"> {
  let ended = false;
  options.ended.then(
    () => {
      ended = true;
    },
    () => {
      ended = true;
    },
  );
  let last = options.progress();
  let lastChange = performance.now();
  for (;;) {
    if (options.done()) return "done";
    if (options.signal.aborted) return "interrupted";
    if (ended) return "ended";
    const now = performance.now();
    const current = options.progress();
    if (current !== last) {
      last = current;
      lastChange = now;
    } else if (now - lastChange > options.stallMs) {
      return "stalled";
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * `work`, or a rejection with the signal's reason as soon as it aborts (the work itself goes on;
 * the caller's cleanup takes down what it was using). Do not wrap work that creates something
 * which must be cleaned up, such as a server: it would be left behind.
 */
export function interruptible<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
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
