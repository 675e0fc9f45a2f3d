import type { KvEntry } from "@nats-io/kv";

const decoder = new TextDecoder();

/** What a stored entry records: a value, a delete marker, or a purge marker. */
export type KeyValueOperationType = "PUT" | "DEL" | "PURGE";

/** One entry of a bucket: a value of a key at a revision. */
export interface KeyValueEntry {
  /** The bucket the entry belongs to. */
  readonly bucket: string;
  /** The entry's key. */
  readonly key: string;
  /** The raw bytes (empty for delete and purge markers). */
  readonly value: Uint8Array;
  /** The revision: the sequence of this entry in the bucket's stream. */
  readonly revision: number;
  /** When the server stored the entry. */
  readonly created: Date;
  /** `PUT` for a value, `DEL` for a delete marker, `PURGE` for a purge marker. */
  readonly operation: KeyValueOperationType;
  /**
   * Distance from the latest entry seen by the reader: in a watch or history, how many entries
   * are still pending after this one; 0 for a direct read.
   */
  readonly delta: number;
  /** The value decoded as UTF-8. */
  string(): string;
  /** The value parsed as JSON; throws `SyntaxError` when it is not JSON. */
  json<T = unknown>(): T;
}

/** An entry delivered by a watch. */
export interface KeyValueWatchEntry extends KeyValueEntry {
  /**
   * False for the initial values (what the bucket held when the watch started), true for the
   * live updates that came after. Computed by helix-nats, not taken from the client.
   */
  readonly isUpdate: boolean;
}

class Entry implements KeyValueEntry {
  readonly bucket: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly revision: number;
  readonly created: Date;
  readonly operation: KeyValueOperationType;
  readonly delta: number;

  constructor(bucket: string, raw: KvEntry) {
    this.bucket = bucket;
    this.key = raw.key;
    this.value = plainBytes(raw.value);
    this.revision = raw.revision;
    this.created = raw.created;
    this.operation = raw.operation;
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

/** True for delete and purge markers. */
export function isMarker(entry: { operation: KeyValueOperationType }): boolean {
  return entry.operation === "DEL" || entry.operation === "PURGE";
}

/** The same bytes as a plain `Uint8Array` (the client hands out Node `Buffer`s), without a copy. */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
