import type { Payload } from "@helix/nats-core";
import type { KV } from "@nats-io/kv";
import type { KeyValueEntry } from "./entry.js";
import type { KvCallOptions } from "./run.js";
import type { KeyValueStatus } from "./status.js";
import type { KeyValueWatcher, WatchOptions } from "./watcher.js";

/**
 * What a key-value write accepts: bytes as they are, a string as UTF-8, anything else as JSON.
 * `undefined`, functions, symbols, values JSON cannot represent, and binary data other than a
 * `Uint8Array` are refused with `ValidationError` before any I/O.
 */
export type KeyValueInput = Payload;

/** Options of `delete` and `purge`. */
export interface KeyValueDeleteOptions extends KvCallOptions {
  /** Only if the key's latest revision is this one; else `WrongRevisionError`. */
  revision?: number;
}

/** Options of `purgeDeletes`. */
export interface PurgeDeletesOptions extends KvCallOptions {
  /**
   * Only keys whose latest entry is a delete/purge marker are touched. Markers older than this are
   * removed with the key's history; younger ones are kept (the history before them is removed).
   * Default 30 minutes, as in Go; 0 removes every marker. Entries written after a marker are
   * never removed.
   */
  olderThanMs?: number;
}

/** Options of `watch`/`watchAll`, with cancellation of the start. */
export interface KeyValueWatchOptions extends WatchOptions, KvCallOptions {}

/** A key-value bucket. Every method validates before any I/O and runs as a `kv.*` operation. */
export interface KeyValue {
  /** The bucket name (always known, also on handles made by `create`). */
  readonly bucket: string;
  /** The client's bucket (escape hatch). */
  readonly raw: KV;
  /** The latest entry of `key`; `null` when the key is missing, deleted or purged. */
  get(key: string, options?: KvCallOptions): Promise<KeyValueEntry | null>;
  /** The entry of `key` at `revision`; `null` when there is none, or it is a delete/purge marker. */
  getRevision(
    key: string,
    revision: number,
    options?: KvCallOptions,
  ): Promise<KeyValueEntry | null>;
  /** Writes `key` only if it has no value (a deleted key counts as none): `KeyExistsError` else. Resolves to the revision. */
  create(key: string, value: KeyValueInput, options?: KvCallOptions): Promise<number>;
  /** Writes `key`. Resolves to the revision. */
  put(key: string, value: KeyValueInput, options?: KvCallOptions): Promise<number>;
  /**
   * Writes `key` only if its latest revision is `revision` (0: only if the key has no entry at
   * all); `WrongRevisionError` else. Resolves to the new revision.
   */
  update(
    key: string,
    value: KeyValueInput,
    revision: number,
    options?: KvCallOptions,
  ): Promise<number>;
  /** Writes a delete marker (history is kept). */
  delete(key: string, options?: KeyValueDeleteOptions): Promise<void>;
  /** Writes a purge marker and removes the key's history. */
  purge(key: string, options?: KeyValueDeleteOptions): Promise<void>;
  /** Removes the delete/purge markers of deleted keys (see `olderThanMs`). Resolves to the number of entries removed. */
  purgeDeletes(options?: PurgeDeletesOptions): Promise<{
    /** How many entries were removed. */
    purged: number;
  }>;
  /** Watches the keys matching `keys` (wildcards `*` and `>` allowed). */
  watch(keys: string, options?: KeyValueWatchOptions): Promise<KeyValueWatcher>;
  /** Watches every key of the bucket. */
  watchAll(options?: KeyValueWatchOptions): Promise<KeyValueWatcher>;
  /** The keys that have a value (deleted and purged keys are left out), matching `filter` (default `>`). */
  keys(filter?: string, options?: KvCallOptions): Promise<string[]>;
  /** Every stored entry of `key` (a filter is allowed), markers included, oldest first; `[]` when none. */
  history(key: string, options?: KvCallOptions): Promise<KeyValueEntry[]>;
  /** The bucket's configuration and state. */
  status(options?: KvCallOptions): Promise<KeyValueStatus>;
}
