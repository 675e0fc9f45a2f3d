import { CancelledError } from "./errors.js";

interface Waiter {
  grant: (granted: boolean) => void;
  cancelled: boolean;
}

/**
 * A counting semaphore: at most `size` holders at once. `acquire` waits (FIFO) while every slot
 * is held, and a released slot goes straight to the oldest live waiter, so `inUse` never exceeds
 * `size`. It is the publish window of `publishAsync` and the concurrency limit of `consume`.
 */
export class Semaphore {
  /** How many holders it admits at once. */
  readonly size: number;
  #inUse = 0;
  #closed = false;
  #waiters: Waiter[] = [];
  #head = 0;
  #idle: (() => void)[] = [];

  constructor(size: number) {
    this.size = size;
  }

  /** Slots held now. */
  get inUse(): number {
    return this.#inUse;
  }

  /** Takes a free slot now if there is one (nobody waiting, not closed); `false` when none was taken. */
  tryAcquire(): boolean {
    if (this.#closed || this.#inUse >= this.size || this.#head < this.#waiters.length) return false;
    this.#inUse++;
    return true;
  }

  /**
   * Resolves `true` once a slot is held, or `false` (holding nothing) once the semaphore is
   * closed. Rejects with `CancelledError` (named after `operation`) when `signal` aborts first.
   */
  acquire(signal?: AbortSignal, operation = "acquire"): Promise<boolean> {
    if (signal?.aborted) return Promise.reject(cancelled(operation, signal));
    if (this.#closed) return Promise.resolve(false);
    if (this.tryAcquire()) return Promise.resolve(true);
    return new Promise<boolean>((resolve, reject) => {
      const waiter: Waiter = { grant: resolve, cancelled: false };
      if (signal) {
        const onAbort = (): void => {
          waiter.cancelled = true;
          reject(cancelled(operation, signal));
        };
        signal.addEventListener("abort", onAbort, { once: true });
        waiter.grant = (granted) => {
          signal.removeEventListener("abort", onAbort);
          resolve(granted);
        };
      }
      this.#waiters.push(waiter);
    });
  }

  /** Gives a slot back: to the oldest live waiter, else to the pool. */
  release(): void {
    while (this.#head < this.#waiters.length) {
      const next = this.#waiters[this.#head] as Waiter;
      this.#head++;
      this.#compact();
      if (!next.cancelled) {
        next.grant(true);
        return;
      }
    }
    this.#inUse--;
    if (this.#inUse === 0 && this.#idle.length > 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const resolve of idle) resolve();
    }
  }

  /** Refuses new holders; current waiters resolve `false`. Holders still release normally. */
  close(): void {
    this.#closed = true;
    const waiting = this.#waiters.slice(this.#head);
    this.#waiters = [];
    this.#head = 0;
    for (const waiter of waiting) if (!waiter.cancelled) waiter.grant(false);
  }

  /** Resolves once no slot is held. */
  whenIdle(): Promise<void> {
    if (this.#inUse === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #compact(): void {
    if (this.#head === this.#waiters.length) {
      this.#waiters = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
      this.#waiters = this.#waiters.slice(this.#head);
      this.#head = 0;
    }
  }
}

function cancelled(operation: string, signal: AbortSignal): CancelledError {
  return new CancelledError(`${operation}: cancelled while waiting for a free slot`, {
    cause: signal.reason,
  });
}
