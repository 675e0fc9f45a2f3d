/**
 * The time spans are stamped with: the performance clock (sub-millisecond, monotonic) moved onto
 * the wall clock by one offset that every span of the plugin shares.
 *
 * The SDK's own default has two flaws for spans that nest: a start from `Date.now()` has 1 ms
 * resolution, and a performance timestamp is moved by an offset the SDK reads from `Date.now()`
 * for each span, so two spans can be out by up to a millisecond: a child seemed to start before
 * its parent or end after it. Here the offset changes only when the wall clock really moved (an
 * NTP step, a slew past 2 ms), checked at most once a second, so spans stay nested and stay on
 * the wall clock that other instrumentations use.
 */
export class SpanClock {
  #offset = Date.now() - performance.now();
  #checkedAt = performance.now();

  /** Epoch milliseconds (fractional) for a `performance.now()` reading. */
  epochMs(performanceNow: number): number {
    if (performanceNow - this.#checkedAt > 1_000) {
      this.#checkedAt = performanceNow;
      const offset = Date.now() - performanceNow;
      if (Math.abs(offset - this.#offset) > 2) this.#offset = offset;
    }
    return this.#offset + performanceNow;
  }
}
