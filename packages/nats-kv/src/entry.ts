import type { KvEntry } from "@nats-io/kv";
import type { KeyValueEntry, KeyValueOperationType, KeyValueWatchEntry } from "./types.js";

const decoder = new TextDecoder();

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
