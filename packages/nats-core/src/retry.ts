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
