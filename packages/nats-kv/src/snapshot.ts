import type { KV, KvEntry, KvWatchOptions } from "@nats-io/kv";
import {
  type ClientWatchIterator,
  consumerOf,
  INITIAL_IDLE_MS,
  initialCountOf,
  nothingPending,
} from "./watcher.js";

/*
 * `keys`, `history` and the scan of `purgeDeletes` read what a bucket holds now: the entries a
 * watch delivers as its initial values, and not one more. Not the client's `keys()`/`history()`:
 * - its `keys()` leaves out only the keys whose latest entry has a `KV-Operation` header, so a
 *   key whose value expired (its latest entry is the server's limit marker, nats-server 2.11+)
 *   would be listed (`isMarker` reads both kinds);
 * - both wait for as many entries as the consumer counted when it started; an entry that
 *   expires before it is delivered (a TTL, the bucket's `ttlMs`) never comes, and they end only
 *   on the consumer's idle heartbeat: a `history()` racing an expiry took 30 s (measured, 2.15.3).
 * Here an idle read asks the consumer whether anything is still pending, and ends when nothing is.
 */

const IDLE = Symbol("idle");

/** `promise`'s result, or `IDLE` when it has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof IDLE> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<typeof IDLE>((resolve) => {
    timer = setTimeout(() => resolve(IDLE), ms);
  });
  try {
    return await Promise.race([promise, idle]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The initial entries of a client watch with `options`, each passed through `map` (`undefined`
 * leaves it out). When `signal` aborts (the call has already rejected with `CancelledError`),
 * the watch stops instead of being read to the end for nobody.
 */
export async function readSnapshot<R>(
  kv: KV,
  options: KvWatchOptions,
  signal: AbortSignal | undefined,
  map: (entry: KvEntry) => R | undefined,
): Promise<R[]> {
  const iter = (await kv.watch(options)) as unknown as ClientWatchIterator;
  const stop = () => iter.stop();
  signal?.addEventListener("abort", stop, { once: true });
  try {
    const items: R[] = [];
    if (signal?.aborted) return items;
    // Without the count (another client version), an empty bucket would deliver nothing to end on
    let count = await initialCountOf(iter);
    if (count === undefined) {
      count = (await kv.status()).values === 0 ? 0 : Number.POSITIVE_INFINITY;
    }
    if (count === 0) return items;
    const consumer = consumerOf(iter);
    const entries = iter[Symbol.asyncIterator]();
    const pull = () => {
      const pending = entries.next();
      pending.catch(() => {}); // awaited below; one left behind by a stop must not go unhandled
      return pending;
    };
    let next = pull();
    let seen = 0;
    for (;;) {
      let result = await within(next, INITIAL_IDLE_MS);
      if (result === IDLE) {
        if (consumer === undefined || !(await nothingPending(consumer, () => seen))) continue;
        // what the server delivered before saying so has reached the iterator by now
        result = await within(next, 0);
        if (result === IDLE) break;
      }
      if (result.done === true) break;
      const item = map(result.value);
      if (item !== undefined) items.push(item);
      seen++;
      if (seen >= count || result.value.delta === 0) break;
      next = pull();
    }
    return items;
  } finally {
    signal?.removeEventListener("abort", stop);
    iter.stop();
  }
}
