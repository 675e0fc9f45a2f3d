import {
  type CallOptions,
  type Connection,
  type NotAFunction,
  NotFoundError,
  toHelixError,
  ValidationError,
} from "@helix/nats-core";
import { assertInteger, assertKey, encodePayload } from "@helix/nats-core/internal";
import { type KV, KvWatchInclude } from "@nats-io/kv";
import { isMarker, toEntry, valueEntry } from "./entry.js";
import { bucketIsMissing } from "./errors.js";
import { writeTtl } from "./key-ttl.js";
import { runKv } from "./operation.js";
import { purgeDeletes } from "./purge-deletes.js";
import { readSnapshot } from "./snapshot.js";
import { toStatus } from "./status.js";
import type {
  KeyValue,
  KeyValueDeleteOptions,
  KeyValueEntry,
  KeyValueInput,
  KeyValuePurgeOptions,
  KeyValueStatus,
  KeyValueWatcher,
  KeyValueWatchOptions,
  KeyValueWriteOptions,
  PurgeDeletesOptions,
} from "./types.js";
import { assertWatchOptions } from "./validation.js";
import {
  type ClientWatchIterator,
  initialCountOf,
  toClientWatchOptions,
  Watcher,
} from "./watcher.js";
import { KvWriter, type WriteSettings } from "./write.js";

const DEFAULT_PURGE_DELETES_OLDER_THAN_MS = 30 * 60 * 1000;

/** The `KeyValue` handle over the client's bucket. */
export class KeyValueHandle implements KeyValue {
  readonly bucket: string;
  readonly raw: KV;
  #conn: Connection;
  #writer: KvWriter;
  /** The bucket's stream allows per-message TTLs (`allow_msg_ttl`), as it was opened. */
  #allowMsgTtl: boolean;

  constructor(conn: Connection, bucket: string, raw: KV, settings: WriteSettings) {
    this.#conn = conn;
    this.bucket = bucket;
    this.raw = raw;
    this.#writer = new KvWriter(conn, bucket, raw, settings);
    this.#allowMsgTtl = settings.allowMsgTtl;
  }

  async get(key: string, options?: CallOptions): Promise<KeyValueEntry | null> {
    assertKey(key);
    return runKv(this.#conn, "get", { bucket: this.bucket, key }, options, async (op) => {
      const raw = await this.#read(() => this.raw.get(key));
      const entry = raw === null ? null : valueEntry(this.bucket, raw);
      if (entry !== null) op.revision = entry.revision;
      return entry;
    });
  }

  async getRevision(
    key: string,
    revision: number,
    options?: CallOptions,
  ): Promise<KeyValueEntry | null> {
    assertKey(key);
    assertInteger(revision, "revision", 1);
    return runKv(
      this.#conn,
      "getRevision",
      { bucket: this.bucket, key, revision },
      options,
      async () => {
        const raw = await this.#read(() => this.raw.get(key, { revision }));
        return raw === null ? null : valueEntry(this.bucket, raw);
      },
    );
  }

  async create<T extends KeyValueInput>(
    key: string,
    value: NotAFunction<T>,
    options?: KeyValueWriteOptions,
  ): Promise<number> {
    assertKey(key);
    const data = encodePayload(value, "value").bytes;
    const ttl = this.#ttl("kv.create", options?.ttlMs);
    const write = { operation: "kv.create", key, data, ttl };
    return this.#run("create", key, undefined, options, async (signal) => {
      try {
        return await this.#writer.send({ ...write, expect: 0 }, signal);
      } catch (err) {
        // As the client's create: a key whose latest entry is a delete or purge marker (the
        // server's limit markers included) has no value, so it is written over that marker
        // (else KeyExistsError, mapped by runKv).
        if (toHelixError(err).code !== "WRONG_REVISION") throw err;
        const latest = await this.#read(() => this.raw.get(key));
        if (latest === null || !isMarker(latest)) throw err;
        return this.#writer.send({ ...write, expect: latest.revision }, signal);
      }
    });
  }

  async put<T extends KeyValueInput>(
    key: string,
    value: NotAFunction<T>,
    options?: KeyValueWriteOptions,
  ): Promise<number> {
    assertKey(key);
    const data = encodePayload(value, "value").bytes;
    const ttl = this.#ttl("kv.put", options?.ttlMs);
    return this.#run("put", key, undefined, options, (signal) =>
      this.#writer.send({ operation: "kv.put", key, data, ttl }, signal),
    );
  }

  async update<T extends KeyValueInput>(
    key: string,
    value: NotAFunction<T>,
    revision: number,
    options?: CallOptions,
  ): Promise<number> {
    assertKey(key);
    assertInteger(revision, "revision", 0);
    const data = encodePayload(value, "value").bytes;
    // revision 0 is the server's "the key has no entry" (the client's update() refuses it)
    return this.#run("update", key, revision, options, (signal) =>
      this.#writer.send({ operation: "kv.update", key, data, expect: revision }, signal),
    );
  }

  async delete(key: string, options?: KeyValueDeleteOptions): Promise<void> {
    return this.#remove("delete", key, options);
  }

  async purge(key: string, options?: KeyValuePurgeOptions): Promise<void> {
    return this.#remove("purge", key, options);
  }

  async purgeDeletes(options?: PurgeDeletesOptions): Promise<{ purged: number }> {
    const olderThanMs = options?.olderThanMs ?? DEFAULT_PURGE_DELETES_OLDER_THAN_MS;
    assertInteger(olderThanMs, "olderThanMs", 0);
    return runKv(this.#conn, "purgeDeletes", { bucket: this.bucket }, options, () =>
      purgeDeletes(this.#conn, this.bucket, this.raw, olderThanMs, options?.signal),
    );
  }

  async watch(keys: string, options: KeyValueWatchOptions = {}): Promise<KeyValueWatcher> {
    assertKey(keys, "filter");
    return this.#watch("watch", keys, options);
  }

  async watchAll(options: KeyValueWatchOptions = {}): Promise<KeyValueWatcher> {
    return this.#watch("watchAll", ">", options);
  }

  async keys(filter = ">", options?: CallOptions): Promise<string[]> {
    assertKey(filter, "filter");
    // the latest entry of each key, without values: the keys whose latest entry is not a marker
    const watch = { key: filter, headers_only: true };
    return runKv(this.#conn, "keys", { bucket: this.bucket, key: filter }, options, () =>
      readSnapshot(this.raw, watch, options?.signal, (e) => (isMarker(e) ? undefined : e.key)),
    );
  }

  async history(key: string, options?: CallOptions): Promise<KeyValueEntry[]> {
    assertKey(key, "filter");
    const watch = { key, include: KvWatchInclude.AllHistory };
    return runKv(this.#conn, "history", { bucket: this.bucket, key }, options, () =>
      readSnapshot(this.raw, watch, options?.signal, (raw) => toEntry(this.bucket, raw)),
    );
  }

  async status(options?: CallOptions): Promise<KeyValueStatus> {
    return runKv(this.#conn, "status", { bucket: this.bucket }, options, async () => {
      const raw = await this.raw.status();
      return toStatus(raw.streamInfo, this.#conn.nats.info?.cluster ?? "");
    });
  }

  /**
   * Runs a direct read. A direct get from a deleted bucket gets no real answer: server 2.9 never
   * answers it (the JetStream API import is a responder), so it times out; 2.10 and newer answer
   * "no responders", as during a leader election. On either, ask whether the bucket still exists
   * and say so with `NotFoundError`.
   */
  async #read<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      const code = toHelixError(err).code;
      const silent = code === "TIMEOUT" || code === "JETSTREAM_UNAVAILABLE";
      if (silent && (await bucketIsMissing(this.#conn, this.bucket))) {
        throw new NotFoundError("bucket", this.bucket, { cause: err });
      }
      throw err;
    }
  }

  /**
   * The `Nats-TTL` of a write's `ttlMs`, checked before any I/O (see `writeTtl`); `undefined`
   * when none was given.
   */
  #ttl(operation: string, ttlMs: unknown): string | undefined {
    if (ttlMs === undefined) return undefined; // most writes: no context object to build
    return writeTtl(ttlMs, {
      operation,
      bucket: this.bucket,
      serverVersion: this.#conn.nats.info?.version,
      allowMsgTtl: this.#allowMsgTtl,
    });
  }

  /**
   * Runs a write as `kv.<name>`; the revision it wrote is recorded on the operation, with the
   * `ttlMs` it sent.
   */
  #run(
    name: "create" | "put" | "update",
    key: string,
    revision: number | undefined,
    options: KeyValueWriteOptions | undefined,
    send: (signal: AbortSignal | undefined) => Promise<number>,
  ): Promise<number> {
    const ttlMs = name === "update" ? undefined : options?.ttlMs;
    const fields = { bucket: this.bucket, key, revision, ttlMs };
    return runKv(this.#conn, name, fields, options, async (op) => {
      const written = await send(options?.signal);
      op.revision = written;
      return written;
    });
  }

  #remove(
    name: "delete" | "purge",
    key: string,
    options: KeyValuePurgeOptions | undefined,
  ): Promise<void> {
    assertKey(key);
    const revision = options?.revision;
    if (revision !== undefined) assertInteger(revision, "revision", 1);
    const ttlMs = options?.ttlMs;
    if (name === "delete" && ttlMs !== undefined) {
      // As nats.go: once a delete marker expired, the key's previous value would be its latest.
      throw new ValidationError(
        "ttlMs",
        "kv.delete takes no ttlMs: once the marker expired, the key's previous value would be back; purge with ttlMs",
        { value: ttlMs },
      );
    }
    const ttl = this.#ttl(`kv.${name}`, ttlMs);
    const fields = { bucket: this.bucket, key, revision, ttlMs };
    return runKv(this.#conn, name, fields, options, async () => {
      const marker = name === "delete" ? "DEL" : "PURGE";
      const write = { operation: `kv.${name}`, key, marker, expect: revision, ttl } as const;
      await this.#writer.send(write, options?.signal);
    });
  }

  #watch(
    name: "watch" | "watchAll",
    filter: string,
    options: KeyValueWatchOptions,
  ): Promise<KeyValueWatcher> {
    assertWatchOptions(options);
    const clientOptions = toClientWatchOptions(filter, options);
    return runKv(this.#conn, name, { bucket: this.bucket, key: filter }, options, async () => {
      const iter = (await this.raw.watch(clientOptions)) as unknown as ClientWatchIterator;
      let initialCount: number | undefined;
      try {
        initialCount = options.updatesOnly ? 0 : await initialCountOf(iter);
      } catch (err) {
        iter.stop();
        throw err;
      }
      const watcher = new Watcher(this.#conn, iter, {
        bucket: this.bucket,
        filter,
        initialCount,
        ignoreDeletes: options.ignoreDeletes === true,
      });
      stopOnAbort(watcher, options.signal);
      return watcher;
    });
  }
}

/**
 * Ties a watcher to the caller's signal, as Go ties it to its `ctx`: aborting stops the watch and
 * the iteration ends. Aborted while starting, the caller never gets the watcher: it stops here.
 */
function stopOnAbort(watcher: Watcher, signal: AbortSignal | undefined): void {
  if (signal === undefined) return;
  if (signal.aborted) {
    watcher.stop();
    return;
  }
  const stop = (): void => watcher.stop();
  signal.addEventListener("abort", stop, { once: true });
  void watcher.closed.finally(() => signal.removeEventListener("abort", stop)).catch(() => {});
}
