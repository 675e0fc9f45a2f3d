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
