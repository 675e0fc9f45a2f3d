import type { CallOptions, HelixError, NotAFunction, Payload } from "@helix/nats-core";
import type { KV } from "@nats-io/kv";

/**
 * Options every key-value call accepts.
 * @deprecated use `CallOptions` (from `@helix/nats-core`, re-exported here): the same type.
 */
export type KvCallOptions = CallOptions;

/**
 * What a key-value write accepts: bytes as they are, a string as UTF-8, anything else as JSON.
 * `undefined`, functions, symbols, values JSON cannot represent, and binary data other than a
 * `Uint8Array` are refused with `ValidationError` before any I/O. A write's value parameter is
 * typed `NotAFunction<T>`, so a function (a forgotten call, `kv.put(k, getConfig)`) is refused
 * at compile time too.
 */
export type KeyValueInput = Payload;

/**
 * How key-value writes (`put`, `create`, `update`, `delete`, `purge`) retry transient failures:
 * a timeout, no responders, a leader election (`isRetryable`). Every attempt of a write sends the
 * same `Nats-Msg-Id`, so the server stores a retried write once, and a revision-checked write
 * whose earlier attempt was in fact stored resolves to that attempt's revision.
 */
export interface KeyValueRetryOptions {
  /**
   * How long a write may keep retrying, in ms from its first attempt: no retry starts past it
   * (an attempt started before it waits for its answer, up to the JetStream timeout). Default
   * 30 000 (as a publish), enough to ride out a server restart or a leader election. `0`: no retries.
   */
  budgetMs?: number;
  /** Delay before the first retry, in ms; doubles on each retry (with jitter). Default 250. */
  initialDelayMs?: number;
  /** Upper bound of the delay between retries, in ms. Default 2 000. */
  maxDelayMs?: number;
  /** Called before each retry with the error and the attempt that failed (from 1). */
  onRetry?: (error: HelixError, attempt: number) => void;
}

/** Options of `createKeyValueManager`: the defaults of every bucket it opens. */
export interface KeyValueManagerOptions {
  /** How writes retry (see `KeyValueRetryOptions`), or `false` for a single attempt. */
  retry?: KeyValueRetryOptions | false;
}

/** Options of the manager's `create` and `get`: settings of the handle they return. */
export interface KeyValueOpenOptions extends CallOptions {
  /**
   * How this handle's writes retry: fields given here replace the manager's, one by one;
   * `false` turns retries off for this handle.
   */
  retry?: KeyValueRetryOptions | false;
}

/** What a stored entry records: a value, a delete marker, or a purge marker. */
export type KeyValueOperationType = "PUT" | "DEL" | "PURGE";

/**
 * Why the server wrote a marker (its `Nats-Marker-Reason` header, nats-server 2.11+, on a bucket
 * created with `limitMarkerTtlMs`): `"MaxAge"` when the key's last entry expired (its own
 * `ttlMs` or the bucket's), `"Purge"` or `"Remove"` when the stream's purge or message removal
 * took it. Other values a newer server may send are passed through as they are.
 */
export type KeyValueMarkerReason = "MaxAge" | "Purge" | "Remove" | (string & {});

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
  /**
   * `PUT` for a value, `DEL` for a delete marker, `PURGE` for a purge marker. A marker the server
   * wrote itself (see `markerReason`) is `PURGE` for `MaxAge` and `Purge`, `DEL` for `Remove`
   * and any other reason: never a value.
   */
  readonly operation: KeyValueOperationType;
  /**
   * Set on a marker the server wrote when it removed the key's last entry (a bucket with
   * `limitMarkerTtlMs`, nats-server 2.11+): why it did (`"MaxAge"` when the entry expired).
   * `undefined` on values and on the markers `delete` and `purge` write.
   */
  readonly markerReason: KeyValueMarkerReason | undefined;
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

/**
 * An entry delivered by a watch (what a `KeyValueWatcher` yields): every field of
 * `KeyValueEntry`, plus `isUpdate`. A delete or purge marker arrives with `operation` `"DEL"` or
 * `"PURGE"` and an empty `value`, unless `ignoreDeletes` skips it.
 */
export interface KeyValueWatchEntry extends KeyValueEntry {
  /**
   * False for the initial values (what the bucket held when the watch started), true for the
   * live updates that came after. Computed by helix-nats, not taken from the client.
   */
  readonly isUpdate: boolean;
}

/** The configuration of a new bucket. */
export interface KeyValueConfig {
  /** The bucket name: letters, digits, `-` and `_`. */
  bucket: string;
  /** A free-text description, stored with the bucket's stream. */
  description?: string;
  /** Entries kept per key, 1 to 64. Default 1. */
  history?: number;
  /** How long an entry lives, in milliseconds; 0 (the default) keeps entries for ever. */
  ttlMs?: number;
  /**
   * Largest message accepted, in bytes; -1 (the default) for no limit. The server counts the
   * headers too: a put's take 49 bytes (its `Nats-Msg-Id`), a write with a revision's about 90.
   */
  maxValueSize?: number;
  /** Largest bucket size, in bytes; -1 (the default) for no limit. */
  maxBytes?: number;
  /** Where the bucket is stored. Default `"file"`. */
  storage?: "file" | "memory";
  /** Copies kept in a cluster, 1 to 5. Default 1. */
  replicas?: number;
  /**
   * Limit markers (nats-server 2.11+), in milliseconds: whole seconds, at least 1000. When the
   * server removes a key's last entry (it expired, by the bucket's `ttlMs` or the entry's own
   * `ttlMs`), it writes a marker in its place (`operation` `"PURGE"`, `markerReason`
   * `"MaxAge"`) that watchers and `history` see, and removes that marker after this long. Also
   * turns on per-key TTLs: `create`/`put` with `ttlMs`, `purge` with `ttlMs`. Absent (the
   * default): neither. Set at creation only; refused with `UnsupportedFeatureError` on an older
   * server, before any I/O.
   */
  limitMarkerTtlMs?: number;
}

/** A bucket's configuration and state, as plain data. */
export interface KeyValueStatus {
  /** The bucket name. */
  readonly bucket: string;
  /** The stream that stores the bucket (`KV_<bucket>`). */
  readonly streamName: string;
  /** Entries stored, history and markers included. */
  readonly values: number;
  /** Entries kept per key. */
  readonly history: number;
  /** How long an entry lives, in milliseconds; 0 for ever. */
  readonly ttlMs: number;
  /** Bytes stored. */
  readonly bytes: number;
  /** Where the bucket is stored. */
  readonly backingStore: "file" | "memory";
  /** How many servers hold a copy of the bucket. */
  readonly replicas: number;
  /** Largest value accepted, in bytes; -1 for no limit. */
  readonly maxValueSize: number;
  /** Largest bucket size, in bytes; -1 for no limit. */
  readonly maxBytes: number;
  /** The bucket's description; empty when none was set. */
  readonly description: string;
  /** The cluster the bucket lives in; empty outside a cluster. */
  readonly cluster: string;
  /**
   * How long the server keeps the markers it writes when a key's last entry expires, in
   * milliseconds (see `KeyValueConfig.limitMarkerTtlMs`); 0 when the bucket has no limit markers.
   */
  readonly limitMarkerTtlMs: number;
}

/** Options of `watch` and `watchAll`. */
export interface WatchOptions {
  /** Skip delete and purge markers (they still count as initial values). */
  ignoreDeletes?: boolean;
  /** Deliver every stored entry of the matching keys first, not only the latest of each. */
  includeHistory?: boolean;
  /** Deliver no initial values: only what is written after the watch started. */
  updatesOnly?: boolean;
  /**
   * Deliver every entry from this revision on (inclusive; history included), then live updates.
   * To continue after the last revision you processed, pass that revision + 1.
   */
  resumeFromRevision?: number;
  /** Deliver entries without their values (the `value` is empty). */
  metaOnly?: boolean;
}

/** Options of `watch`/`watchAll`, with cancellation of the start. */
export interface KeyValueWatchOptions extends WatchOptions, CallOptions {}

/** A running watch: an async iterable of entries, initial values first, then live updates. */
export interface KeyValueWatcher extends AsyncIterable<KeyValueWatchEntry>, AsyncDisposable {
  /** The bucket watched. */
  readonly bucket: string;
  /** The key filter watched (`>` for `watchAll`). */
  readonly filter: string;
  /** How many entries the server held for this watch when it started (before `ignoreDeletes`). */
  readonly initialCount: number;
  /**
   * Resolves once the caller has handled every initial value: each one was handed out by the
   * iterator AND the iterator was then asked for the next entry (in a `for await` loop, the
   * loop body of the last initial value has finished). At once when there are no initial values
   * (or `ignoreDeletes` skipped them all), and when the watch ends. So a loop that applies each
   * entry to a map has loaded every initial value once it resolves.
   *
   * It waits for the reader: await it beside the loop that reads the watcher (run the loop in
   * its own task), never before the loop starts nor inside its body, where it would wait for
   * itself.
   */
  readonly initialized: Promise<void>;
  /**
   * Resolves when the watch has ended: `stop()`, connection drain or close, or its bucket deleted
   * (the iteration then throws `NotFoundError`).
   */
  readonly closed: Promise<void>;
  /** Stops the watch: the iteration ends, buffered entries are dropped. Idempotent. */
  stop(): void;
}

/** Options of `delete` and `purge`. */
export interface KeyValueDeleteOptions extends CallOptions {
  /** Only if the key's latest revision is this one; else `WrongRevisionError`. */
  revision?: number;
}

/** Options of `create` and `put`. */
export interface KeyValueWriteOptions extends CallOptions {
  /**
   * How long the value lives (nats-server 2.11+, a bucket created with `limitMarkerTtlMs`), in
   * milliseconds: whole seconds, at least 1000; or `"never"`, kept whatever the bucket's `ttlMs`.
   * Once it expires, the server removes the value and writes a marker in its place (see
   * `KeyValueEntry.markerReason`). In a bucket with `history` above 1, the server raises a TTL
   * shorter than `limitMarkerTtlMs` to it. Refused before any I/O with `UnsupportedFeatureError`
   * on an older server, and with `ValidationError` on a bucket without limit markers.
   */
  ttlMs?: number | "never";
}

/** Options of `purge`. */
export interface KeyValuePurgeOptions extends KeyValueDeleteOptions {
  /**
   * How long the purge marker stays (nats-server 2.11+, a bucket created with
   * `limitMarkerTtlMs`), in milliseconds: whole seconds, at least 1000; or `"never"`. Once it
   * expires, the key leaves no trace. Refused as `KeyValueWriteOptions.ttlMs` is.
   */
  ttlMs?: number | "never";
}

/** Options of `purgeDeletes`. */
export interface PurgeDeletesOptions extends CallOptions {
  /**
   * Only keys whose latest entry is a delete/purge marker are touched. Markers older than this are
   * removed with the key's history; younger ones are kept (the history before them is removed).
   * Default 30 minutes, as in Go; 0 removes every marker. Entries written after a marker are
   * never removed.
   */
  olderThanMs?: number;
}

/**
 * A key-value bucket. Every method validates before any I/O and runs as a `kv.*` operation.
 * Writes (`create`, `put`, `update`, `delete`, `purge`) retry transient failures for up to
 * 30 s by default, each stored once (see `KeyValueRetryOptions`).
 */
export interface KeyValue {
  /** The bucket name (always known, also on handles made by `create`). */
  readonly bucket: string;
  /** The client's bucket (escape hatch). */
  readonly raw: KV;
  /** The latest entry of `key`; `null` when the key is missing, deleted or purged. */
  get(key: string, options?: CallOptions): Promise<KeyValueEntry | null>;
  /** The entry of `key` at `revision`; `null` when there is none, or it is a delete/purge marker. */
  getRevision(key: string, revision: number, options?: CallOptions): Promise<KeyValueEntry | null>;
  /**
   * Writes `key` only if it has no value (a deleted, purged or expired key counts as none):
   * `KeyExistsError` when another writer holds it, also after a retry. With `ttlMs`, the value
   * expires (a lock that frees itself). Resolves to the revision.
   */
  create<T extends KeyValueInput>(
    key: string,
    value: NotAFunction<T>,
    options?: KeyValueWriteOptions,
  ): Promise<number>;
  /** Writes `key` (with `ttlMs`, a value that expires). Resolves to the revision. */
  put<T extends KeyValueInput>(
    key: string,
    value: NotAFunction<T>,
    options?: KeyValueWriteOptions,
  ): Promise<number>;
  /**
   * Writes `key` only if its latest revision is `revision` (0: only if the key has no entry at
   * all); `WrongRevisionError` when another writer got there first. Resolves to the new
   * revision, also when a retried attempt finds that its earlier attempt was stored.
   */
  update<T extends KeyValueInput>(
    key: string,
    value: NotAFunction<T>,
    revision: number,
    options?: CallOptions,
  ): Promise<number>;
  /** Writes a delete marker (history is kept). */
  delete(key: string, options?: KeyValueDeleteOptions): Promise<void>;
  /** Writes a purge marker and removes the key's history (with `ttlMs`, a marker that expires). */
  purge(key: string, options?: KeyValuePurgeOptions): Promise<void>;
  /** Removes the delete/purge markers of deleted keys (see `olderThanMs`). Resolves to the number of entries removed. */
  purgeDeletes(options?: PurgeDeletesOptions): Promise<{
    /** How many entries were removed. */
    purged: number;
  }>;
  /** Watches the keys matching `keys` (wildcards `*` and `>` allowed). */
  watch(keys: string, options?: KeyValueWatchOptions): Promise<KeyValueWatcher>;
  /** Watches every key of the bucket. */
  watchAll(options?: KeyValueWatchOptions): Promise<KeyValueWatcher>;
  /**
   * The keys that have a value (deleted, purged and expired keys are left out), matching
   * `filter` (default `>`).
   */
  keys(filter?: string, options?: CallOptions): Promise<string[]>;
  /** Every stored entry of `key` (a filter is allowed), markers included, oldest first; `[]` when none. */
  history(key: string, options?: CallOptions): Promise<KeyValueEntry[]>;
  /** The bucket's configuration and state. */
  status(options?: CallOptions): Promise<KeyValueStatus>;
}

/** Creates, opens, deletes and lists key-value buckets. */
export interface KeyValueManager {
  /**
   * Creates a bucket, or opens it when it exists with the same settings (for the fields given).
   * A bucket that exists with other settings is a `JetStreamApiError` (code 10058), not changed.
   * `options.retry` sets the returned handle's write retries (over the manager's).
   */
  create(config: KeyValueConfig, options?: KeyValueOpenOptions): Promise<KeyValue>;
  /**
   * Opens an existing bucket; `NotFoundError` (`what: "bucket"`) when it does not exist.
   * `options.retry` sets the returned handle's write retries (over the manager's).
   */
  get(bucket: string, options?: KeyValueOpenOptions): Promise<KeyValue>;
  /** Deletes a bucket and all its entries; `NotFoundError` when it does not exist. */
  delete(bucket: string, options?: CallOptions): Promise<void>;
  /** The status of every bucket of the account (JetStream domain). */
  list(options?: CallOptions): Promise<KeyValueStatus[]>;
}
