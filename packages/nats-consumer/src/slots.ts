/** A counting limiter: at most `size` holders at once; `acquire` waits for a free slot. */
export class Slots {
  readonly size: number;
  #inUse = 0;
  #waiters: Array<() => void> = [];
  #idle: Array<() => void> = [];

  constructor(size: number) {
    this.size = size;
  }

  get inUse(): number {
    return this.#inUse;
  }

  /** Resolves once a slot is held. */
  acquire(): Promise<void> {
    if (this.#inUse < this.size) {
      this.#inUse++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#waiters.push(() => {
        this.#inUse++;
        resolve();
      });
    });
  }

  /** Gives a slot back, waking the next waiter. */
  release(): void {
    this.#inUse--;
    const next = this.#waiters.shift();
    if (next) next();
    else if (this.#inUse === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Wakes every waiter without a slot (used when stopping); they must check whether to go on. */
  wakeAll(): void {
    for (const wake of this.#waiters.splice(0)) {
      this.#inUse++;
      wake();
    }
  }

  /** Resolves when no slot is held. */
  idle(): Promise<void> {
    if (this.#inUse === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
