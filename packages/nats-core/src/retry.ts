/**
 * How helix retries a transient failure (a timeout, JetStream unavailable during a leader
 * election): for up to `budgetMs`, waiting `retryDelay` between tries. A publish and a key-value
 * write share these defaults. The budget rides out a leader election, which takes 5 to 15 s.
 */
export const DEFAULT_RETRY = Object.freeze({
  /** How long a write keeps retrying, from its first try. */
  budgetMs: 30_000,
  /** The first wait. */
  initialDelayMs: 250,
  /** The longest wait. */
  maxDelayMs: 2_000,
});

/**
 * Delay before retry number `retry` (1 for the first retry): exponential from `initialDelayMs`,
 * capped at `maxDelayMs`, with "equal jitter" (between half and all of it) so that many
 * publishers failing together do not retry in lockstep. `random` is injectable for tests.
 */
export function retryDelay(
  retry: number,
  settings: { initialDelayMs: number; maxDelayMs: number },
  random: () => number = Math.random,
): number {
  const exponential = settings.initialDelayMs * 2 ** Math.max(0, retry - 1);
  const capped = Math.min(settings.maxDelayMs, exponential);
  return Math.round(capped / 2 + (capped / 2) * random());
}
