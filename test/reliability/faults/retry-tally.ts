import type { HelixError } from "@helix/nats-core";

/** Counts a publisher's retries (its `retry.onRetry`), by error code, with named checkpoints. */
export class RetryTally {
  total = 0;
  readonly byCode: Record<string, number> = {};
  readonly #marks = new Map<string, number>();

  /** Pass as `retry.onRetry`. */
  readonly onRetry = (error: HelixError): void => {
    this.total++;
    this.byCode[error.code] = (this.byCode[error.code] ?? 0) + 1;
  };

  /** Remembers the current total under `name`. */
  mark(name: string): void {
    this.#marks.set(name, this.total);
  }

  /** The total when `name` was marked (0 if never). */
  at(name: string): number {
    return this.#marks.get(name) ?? 0;
  }
}
