/**
 * Tells a watch's initial values from its live updates.
 *
 * The client counts the initial values from the consumer's `num_pending` at creation, but flags
 * the last of them as an update (`i >= count` after the increment: off by one). This tracker
 * counts every delivered entry (delete markers included, before any filtering): the first
 * `initialCount` are initial; an entry with nothing pending after it (`delta === 0`) also ends
 * the initial phase, in case the server delivered fewer than counted.
 */
export class InitialValues {
  readonly count: number;
  #seen = 0;
  #done: boolean;

  constructor(initialCount: number) {
    this.count = initialCount;
    this.#done = initialCount <= 0;
  }

  /** True once every initial value was delivered by the server. */
  get done(): boolean {
    return this.#done;
  }

  /**
   * Ends the initial phase early: the server has nothing left to deliver of what it counted (an
   * entry expired between the count and its delivery).
   */
  finish(): void {
    this.#done = true;
  }

  /** Classifies the next delivered entry: returns `isUpdate`. */
  next(delta: number | undefined): boolean {
    if (this.#done) return true;
    this.#seen++;
    if (this.#seen >= this.count || delta === 0) this.#done = true;
    return false;
  }
}
