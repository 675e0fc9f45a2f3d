import type { Connection } from "@helix/nats-core";
import { throwIfAborted } from "@helix/nats-core/internal";
import type { KV } from "@nats-io/kv";
import { isMarker } from "./entry.js";
import { streamNameOf } from "./status.js";
import { type ClientWatchIterator, initialCountOf } from "./watcher.js";

/** A delete or purge marker that is the latest entry of its key. */
interface Marker {
  key: string;
  revision: number;
  created: number;
}

/**
 * Removes the delete and purge markers that are the latest entry of their key, as Go's
 * `PurgeDeletes` does: a marker older than `olderThanMs` (every marker for 0) goes with the
 * key's history; a younger one stays, its history goes.
 *
 * Not the client's `Bucket.purgeDeletes`: that one collects every marker of the whole history and
 * purges the key without keeping anything, so a key deleted once and written again lost its
 * current value. Here each purge removes the key's entries only up to its marker's revision, so a
 * value written after the marker (even while this runs) is never removed.
 */
export async function purgeDeletes(
  conn: Connection,
  bucket: string,
  kv: KV,
  olderThanMs: number,
  signal: AbortSignal | undefined,
): Promise<{ purged: number }> {
  const markers = await latestMarkers(kv);
  if (markers.length === 0) return { purged: 0 };
  const cutoff = olderThanMs === 0 ? Number.POSITIVE_INFINITY : Date.now() - olderThanMs;
  const jsm = await conn.manager();
  const stream = streamNameOf(bucket);
  let purged = 0;
  for (const marker of markers) {
    throwIfAborted(signal, "kv.purgeDeletes");
    // `seq`: purge the key's entries below it, so revision + 1 takes the marker too
    const seq = marker.created < cutoff ? marker.revision + 1 : marker.revision;
    const result = await jsm.streams.purge(stream, {
      filter: `$KV.${bucket}.${marker.key}`,
      seq,
    });
    purged += result.purged;
  }
  return { purged };
}

/** The markers among the latest entries of every key (read without values). */
async function latestMarkers(kv: KV): Promise<Marker[]> {
  const iter = (await kv.watch({ key: ">", headers_only: true })) as unknown as ClientWatchIterator;
  try {
    // Without the count (another client version), an empty bucket would deliver nothing to end on
    let count = await initialCountOf(iter);
    if (count === undefined) {
      count = (await kv.status()).values === 0 ? 0 : Number.POSITIVE_INFINITY;
    }
    const markers: Marker[] = [];
    let seen = 0;
    if (count === 0) return markers;
    for await (const entry of iter) {
      if (isMarker(entry)) {
        markers.push({
          key: entry.key,
          revision: entry.revision,
          created: entry.created.getTime(),
        });
      }
      seen++;
      if (seen >= count || entry.delta === 0) break;
    }
    return markers;
  } finally {
    iter.stop();
  }
}
