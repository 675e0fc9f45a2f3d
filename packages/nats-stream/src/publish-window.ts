import { CancelledError } from "@helix/nats-core";

interface Waiter {
  grant: () => void;
  cancelled: boolean;
}

/**
 * The async publish window: at most `size` slots in use; `acquire` waits (FIFO) while all are
 * taken, which is the back-pressure of `publishAsync`. A released slot goes straight to the
 * oldest waiter, so `inUse` never exceeds `size`.
 */
export class PublishWindow {
  readonly size: number;
  #inUse = 0;
  #waiters: Waiter[] = [];
  #head = 0;
  #idle: (() => void)[] = [];

  constructor(size: number) {
    this.size = size;
  }

  /** Slots in use. */
  get inUse(): number {
    return this.#inUse;
  }

  /** Takes a slot, waiting while none is free; rejects with `CancelledError` when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) {
      return Promise.reject(
        new CancelledError("publishAsync: cancelled while waiting for the window"),
      );
    }
    if (this.#inUse < this.size && this.#queued() === 0) {
      this.#inUse++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { grant: resolve, cancelled: false };
      if (signal) {
        const onAbort = (): void => {
          waiter.cancelled = true;
          reject(
            new CancelledError("publishAsync: cancelled while waiting for the window", {
              cause: signal.reason,
            }),
          );
        };
        signal.addEventListener("abort", onAbort, { once: true });
        waiter.grant = () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
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
        next.grant();
        return;
      }
    }
    this.#inUse--;
    if (this.#inUse === 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const resolve of idle) resolve();
    }
  }

  /** Resolves once no slot is in use. */
  whenIdle(): Promise<void> {
    if (this.#inUse === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #queued(): number {
    return this.#waiters.length - this.#head;
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
