/**
 * Polls `check` until it returns a value other than `undefined`/`false` (a thrown error counts
 * as "not yet"), and resolves with it. Rejects after `timeoutMs` naming `what`, the last error
 * and what `detail()` describes, so a fault test waits on conditions instead of fixed sleeps.
 */
export async function waitUntil<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  {
    timeoutMs = 30_000,
    intervalMs = 50,
    detail,
  }: { timeoutMs?: number; intervalMs?: number; detail?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const error = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      const seen = detail ? ` (last seen: ${detail()})` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}${error}${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Retries `call` until it resolves (e.g. a stream info during a leader election). */
export function eventually<T>(
  what: string,
  call: () => Promise<T>,
  options?: { timeoutMs?: number; intervalMs?: number },
): Promise<T> {
  return waitUntil(what, async () => ({ value: await call() }), {
    intervalMs: 250,
    ...options,
  }).then((box) => box.value);
}
