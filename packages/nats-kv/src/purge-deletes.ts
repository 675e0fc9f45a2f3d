import type { Connection } from "@helix/nats-core";
import { throwIfAborted } from "@helix/nats-core/internal";
import type { KV } from "@nats-io/kv";
import { isMarker } from "./entry.js";
import { readSnapshot } from "./snapshot.js";
import { streamNameOf } from "./status.js";

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
function latestMarkers(kv: KV): Promise<Marker[]> {
  return readSnapshot(kv, { key: ">", headers_only: true }, undefined, (entry) =>
    isMarker(entry)
      ? { key: entry.key, revision: entry.revision, created: entry.created.getTime() }
      : undefined,
  );
}
