/** A counting limiter: at most `size` holders at once; `acquire` waits for a free slot. */
export class Slots {
  readonly size: number;
  #inUse = 0;
  #closed = false;
  #waiters: Array<(granted: boolean) => void> = [];
  #idle: Array<() => void> = [];

  constructor(size: number) {
    this.size = size;
  }

  get inUse(): number {
    return this.#inUse;
  }

  /** Takes a free slot now if there is one (and not closed); `false` when none was taken. */
  tryAcquire(): boolean {
    if (this.#closed || this.#inUse >= this.size) return false;
    this.#inUse++;
    return true;
  }

  /** Resolves `true` once a slot is held, or `false` (holding nothing) once closed. */
  acquire(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    if (this.#inUse < this.size) {
      this.#inUse++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Gives a slot back, handing it to the next waiter. */
  release(): void {
    const next = this.#waiters.shift();
    if (next) {
      next(true);
      return;
    }
    this.#inUse--;
    if (this.#inUse === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Refuses new holders; current waiters resolve `false`. Holders still release normally. */
  close(): void {
    this.#closed = true;
    for (const wake of this.#waiters.splice(0)) wake(false);
  }

  /** Resolves when no slot is held. */
  idle(): Promise<void> {
    if (this.#inUse === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
