/**
 * An unbounded push/pull queue: a producer pushes, one consumer iterates. `end()` finishes the
 * iteration after the buffered items; `fail(err)` finishes it with an error.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  #items: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | undefined;
  #failWaiting: ((err: unknown) => void) | undefined;
  #done = false;
  #error: unknown;
  #hasError = false;

  push(item: T): void {
    if (this.#done) return;
    const waiting = this.#waiting;
    if (waiting) {
      this.#clearWaiting();
      waiting({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
  }

  /** Ends the iteration once buffered items are consumed. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    const waiting = this.#waiting;
    this.#clearWaiting();
    waiting?.({ value: undefined, done: true });
  }

  /** Ends the iteration with an error, after buffered items. */
  fail(err: unknown): void {
    if (this.#done) return;
    this.#done = true;
    const failWaiting = this.#failWaiting;
    this.#clearWaiting();
    if (failWaiting) {
      // reported once: the reader that was waiting gets it, the next read is the end
      failWaiting(err);
    } else {
      this.#hasError = true;
      this.#error = err;
    }
  }

  /** Drops buffered items and ends the iteration. */
  clear(): void {
    this.#items = [];
    this.#hasError = false;
    this.end();
  }

  get done(): boolean {
    return this.#done;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) {
      return Promise.resolve({ value: this.#items.shift() as T, done: false });
    }
    if (this.#done) {
      if (this.#hasError) {
        this.#hasError = false;
        return Promise.reject(this.#error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    if (this.#waiting) return Promise.reject(new Error("AsyncQueue: only one reader at a time"));
    return new Promise((resolve, reject) => {
      this.#waiting = resolve;
      this.#failWaiting = reject;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }

  #clearWaiting(): void {
    this.#waiting = undefined;
    this.#failWaiting = undefined;
  }
}
