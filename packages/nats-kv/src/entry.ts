import type { KvEntry } from "@nats-io/kv";
import type { MsgHdrs } from "@nats-io/transport-node";
import type {
  KeyValueEntry,
  KeyValueMarkerReason,
  KeyValueOperationType,
  KeyValueWatchEntry,
} from "./types.js";

const decoder = new TextDecoder();

/** The header of a key-value marker written by a client (`delete`, `purge`). */
const KV_OPERATION = "KV-Operation";
/** The header of a marker the server wrote (nats-server 2.11+, limit markers). */
const MARKER_REASON = "Nats-Marker-Reason";

/** What an entry records, and why the server wrote it when it is a server's marker. */
interface EntryKind {
  readonly operation: KeyValueOperationType;
  readonly markerReason: KeyValueMarkerReason | undefined;
}

const PUT: EntryKind = { operation: "PUT", markerReason: undefined };

/**
 * The headers of a client entry: the message it reads its fields from (`sm`, a stored message
 * with `header` for a direct get, a JetStream message with `headers` in a watch), checked by
 * shape. `undefined` when the client keeps them elsewhere (another client version).
 */
function headersOf(raw: KvEntry): MsgHdrs | undefined {
  const sm = (raw as { sm?: { header?: MsgHdrs; headers?: MsgHdrs } }).sm;
  if (typeof sm !== "object" || sm === null) return undefined;
  const h = "headers" in sm ? sm.headers : sm.header;
  return typeof h?.get === "function" ? h : undefined;
}

/**
 * What `raw` records, read from its headers as nats.go does: a client's `KV-Operation` marker
 * first, then a server's marker (`Nats-Marker-Reason`: `MaxAge` and `Purge` are purges,
 * `Remove` and any other reason a delete: a server's marker is never a value). Not the client's
 * `operation`: @nats-io/kv 3.4 reads only `MaxAge`, and takes a `Remove` or `Purge` marker for a
 * value.
 */
export function entryKind(raw: KvEntry): EntryKind {
  const h = headersOf(raw);
  if (h === undefined) {
    const operation = raw.operation;
    return operation === "PUT" ? PUT : { operation, markerReason: undefined };
  }
  const op = h.get(KV_OPERATION);
  if (op === "DEL" || op === "PURGE") return { operation: op, markerReason: undefined };
  const reason = h.get(MARKER_REASON);
  if (reason === "") return PUT;
  const purge = reason === "MaxAge" || reason === "Purge";
  return { operation: purge ? "PURGE" : "DEL", markerReason: reason };
}

class Entry implements KeyValueEntry {
  readonly bucket: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly revision: number;
  readonly created: Date;
  readonly operation: KeyValueOperationType;
  readonly markerReason: KeyValueMarkerReason | undefined;
  readonly delta: number;

  constructor(bucket: string, raw: KvEntry, kind: EntryKind = entryKind(raw)) {
    this.bucket = bucket;
    this.key = raw.key;
    this.value = plainBytes(raw.value);
    this.revision = raw.revision;
    this.created = raw.created;
    this.operation = kind.operation;
    this.markerReason = kind.markerReason;
    this.delta = raw.delta ?? 0;
  }

  string(): string {
    return decoder.decode(this.value);
  }

  json<T = unknown>(): T {
    return JSON.parse(this.string()) as T;
  }
}

class WatchEntry extends Entry implements KeyValueWatchEntry {
  readonly isUpdate: boolean;

  constructor(bucket: string, raw: KvEntry, isUpdate: boolean) {
    super(bucket, raw);
    this.isUpdate = isUpdate;
  }
}

/** Copies a client entry (whose fields are lazy getters over the message) into a plain entry. */
export function toEntry(bucket: string, raw: KvEntry): KeyValueEntry {
  return new Entry(bucket, raw);
}

/** Same as `toEntry`, with the watch's initial/update flag. */
export function toWatchEntry(bucket: string, raw: KvEntry, isUpdate: boolean): KeyValueWatchEntry {
  return new WatchEntry(bucket, raw, isUpdate);
}

/** The entry of a value, or `null` for a delete or purge marker (its kind read once). */
export function valueEntry(bucket: string, raw: KvEntry): KeyValueEntry | null {
  const kind = entryKind(raw);
  return kind.operation === "PUT" ? new Entry(bucket, raw, kind) : null;
}

/** True for delete and purge markers, the server's limit markers included (see `entryKind`). */
export function isMarker(raw: KvEntry): boolean {
  return entryKind(raw).operation !== "PUT";
}

/** The same bytes as a plain `Uint8Array` (the client hands out Node `Buffer`s), without a copy. */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
