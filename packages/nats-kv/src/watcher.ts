import type { Connection } from "@helix/nats-core";
import { type KvEntry, KvWatchInclude, type KvWatchOptions } from "@nats-io/kv";
import { AsyncQueue } from "./async-queue.js";
import { isMarker, toWatchEntry } from "./entry.js";
import { toKvError } from "./errors.js";
import { InitialValues } from "./initial-values.js";
import type { KeyValueWatchEntry, KeyValueWatcher, WatchOptions } from "./types.js";

/**
 * The client's watch options for validated ones (`assertWatchOptions`); `ignoreDeletes` is
 * applied by the `Watcher`, which also skips purge markers.
 */
export function toClientWatchOptions(filter: string, options: WatchOptions): KvWatchOptions {
  const resume = options.resumeFromRevision;
  return {
    key: filter,
    headers_only: options.metaOnly === true,
    include: options.includeHistory
      ? KvWatchInclude.AllHistory
      : options.updatesOnly
        ? KvWatchInclude.UpdatesOnly
        : KvWatchInclude.LastValue,
    ...(resume !== undefined ? { resumeFromRevision: resume } : {}),
  };
}

/** The part of the client's watch iterator this module uses. */
export interface ClientWatchIterator extends AsyncIterable<KvEntry> {
  stop(err?: Error): void;
}

/** The consumer behind a client watch iterator: its info (cached, or asked of the server). */
export interface ConsumerInfoSource {
  info(cached: boolean): Promise<{ num_pending: number }>;
}

/**
 * How often a watch that received nothing since the last look asks the server whether its
 * consumer still exists. A deleted bucket (or consumer) sends the watch nothing, not even an
 * error: without this check the iteration would wait for ever.
 */
export const WATCH_IDLE_CHECK_MS = 30_000;

/**
 * How long a read of initial entries (a watch's, `keys`, `history`) waits for the next one before
 * it asks the consumer whether any is still pending. The server counts them when the consumer
 * starts; one that expires before it is delivered (a TTL, the bucket's `ttlMs`) never comes.
 */
export const INITIAL_IDLE_MS = 200;

/** Resolves after `ms` without keeping the process alive. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}

/**
 * True when `consumer` has nothing left to deliver, and nothing it delivered before saying so
 * is still on its way (`delivered()` unchanged one turn of the event loop later: one connection,
 * in order). A failed question answers false.
 */
export async function nothingPending(
  consumer: ConsumerInfoSource,
  delivered: () => number,
): Promise<boolean> {
  const before = delivered();
  try {
    if ((await consumer.info(false)).num_pending > 0) return false;
  } catch {
    return false;
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
  return delivered() === before;
}

/** The client's consumer behind its watch iterator (`_data`), checked by shape. */
export function consumerOf(iter: unknown): ConsumerInfoSource | undefined {
  const source = (iter as { _data?: unknown })._data as Partial<ConsumerInfoSource> | undefined;
  return typeof source === "object" && source !== null && typeof source.info === "function"
    ? (source as ConsumerInfoSource)
    : undefined;
}

/**
 * How many initial values the client's watch will deliver: the `num_pending` of its consumer at
 * creation, read from the consumer the client keeps on the iterator (`_data`), checked by shape.
 * `undefined` when that internal is missing (a different client version).
 */
export async function initialCountOf(iter: unknown): Promise<number | undefined> {
  const source = consumerOf(iter);
  if (source === undefined) return undefined;
  const info = await source.info(true);
  return typeof info?.num_pending === "number" ? info.num_pending : undefined;
}

/**
 * Wraps the client's watch iterator; the initial/update flag is computed here. `initialized`
 * resolves once the server delivered every initial entry, the caller took each one it was given
 * from the iterator, and then asked for the next entry: it has handled the last initial one.
 */
export class Watcher implements KeyValueWatcher {
  readonly bucket: string;
  readonly filter: string;
  readonly initialCount: number;
  readonly initialized: Promise<void>;
  readonly closed: Promise<void>;

  #iter: ClientWatchIterator;
  #queue = new AsyncQueue<KeyValueWatchEntry>();
  #unregisterDrain: () => void;
  /** An entry arrived since the last idle check. */
  #active = false;
  #checking = false;
  /** Why the watch ended, when the idle check found its bucket or consumer gone. */
  #failure: Error | undefined;
  #tracker: InitialValues;
  #resolveInitialized: () => void = () => {};
  #isInitialized = false;
  /** Initial entries queued for the caller, and how many of them it took. */
  #initialQueued = 0;
  #initialTaken = 0;
  /** The caller asked for an entry after it took every initial entry queued so far. */
  #askedPastInitial = false;
  /** Entries the server delivered so far. */
  #delivered = 0;

  constructor(
    conn: Connection,
    iter: ClientWatchIterator,
    init: {
      bucket: string;
      filter: string;
      initialCount: number | undefined;
      ignoreDeletes: boolean;
    },
  ) {
    this.bucket = init.bucket;
    this.filter = init.filter;
    this.#iter = iter;
    // Without the count (another client version), only `delta === 0` ends the initial phase.
    this.initialCount = init.initialCount ?? Number.POSITIVE_INFINITY;
    this.initialized = new Promise<void>((resolve) => {
      this.#resolveInitialized = resolve;
    });
    this.#tracker = new InitialValues(this.initialCount);
    this.#checkInitialized();
    this.#unregisterDrain = conn.onDrain(async () => this.stop());
    const consumer = consumerOf(iter);
    const idleCheck =
      consumer === undefined
        ? undefined
        : setInterval(() => this.#checkIdle(consumer), WATCH_IDLE_CHECK_MS);
    idleCheck?.unref?.();
    if (consumer !== undefined && !this.#tracker.done) void this.#endInitialPhase(consumer);
    this.closed = this.#pump(init.ignoreDeletes).finally(() => {
      clearInterval(idleCheck);
      this.#markInitialized();
      this.#unregisterDrain();
    });
  }

  stop(): void {
    this.#queue.clear();
    this.#iter.stop();
  }

  [Symbol.asyncIterator](): AsyncIterator<KeyValueWatchEntry> {
    return {
      next: () => this.#next(),
      return: async () => {
        this.stop();
        return { value: undefined, done: true };
      },
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.stop();
    await this.closed;
  }

  #next(): Promise<IteratorResult<KeyValueWatchEntry>> {
    if (this.#isInitialized) return this.#queue.next();
    if (this.#initialTaken === this.#initialQueued) {
      this.#askedPastInitial = true;
      this.#checkInitialized();
    }
    return this.#queue.next().then((result) => {
      if (result.done !== true && !result.value.isUpdate) {
        this.#initialTaken++;
        this.#askedPastInitial = false;
      }
      return result;
    });
  }

  /** Resolves `initialized` once every initial entry was delivered and handled (see the class). */
  #checkInitialized(): void {
    if (this.#isInitialized || !this.#tracker.done) return;
    if (this.#initialTaken < this.#initialQueued) return;
    if (this.#initialQueued > 0 && !this.#askedPastInitial) return;
    this.#markInitialized();
  }

  #markInitialized(): void {
    this.#isInitialized = true;
    this.#resolveInitialized();
  }

  async #pump(ignoreDeletes: boolean): Promise<void> {
    const tracker = this.#tracker;
    try {
      for await (const raw of this.#iter) {
        this.#active = true;
        this.#delivered++;
        const isUpdate = tracker.next(raw.delta);
        if (!(ignoreDeletes && isMarker(raw))) {
          if (!isUpdate) this.#initialQueued++;
          this.#queue.push(toWatchEntry(this.bucket, raw, isUpdate));
        }
        if (!isUpdate) this.#checkInitialized();
      }
      if (this.#failure) this.#queue.fail(this.#failure);
      else this.#queue.end();
    } catch (err) {
      this.#queue.fail(toKvError(err, { operation: "kv.watch", bucket: this.bucket }));
    }
  }

  /**
   * Ends the initial phase when the server has nothing left of what it counted: while initial
   * entries are expected and none arrived for `INITIAL_IDLE_MS`, asks the consumer whether any is
   * still pending. Without this, an initial entry that expired before its delivery would hold
   * `initialized` until enough later writes made up the count (flagged initial meanwhile).
   */
  async #endInitialPhase(consumer: ConsumerInfoSource): Promise<void> {
    let seen = this.#delivered;
    while (!this.#tracker.done && !this.#queue.done) {
      await pause(INITIAL_IDLE_MS);
      if (this.#tracker.done || this.#queue.done) return;
      if (this.#delivered !== seen) {
        seen = this.#delivered;
        continue;
      }
      if (await nothingPending(consumer, () => this.#delivered)) {
        if (this.#tracker.done) return;
        this.#tracker.finish();
        this.#checkInitialized();
        return;
      }
    }
  }

  /**
   * Asks for the consumer's info when nothing arrived since the last check; a missing bucket or
   * consumer ends the watch with that `NotFoundError`. Other errors (a disconnect, a timeout)
   * are transient and leave the watch running.
   */
  #checkIdle(consumer: ConsumerInfoSource): void {
    if (this.#active) {
      this.#active = false;
      return;
    }
    if (this.#checking || this.#queue.done) return;
    this.#checking = true;
    consumer
      .info(false)
      .then(
        () => {},
        (err: unknown) => {
          const mapped = toKvError(err, { operation: "kv.watch", bucket: this.bucket });
          if (mapped.code !== "NOT_FOUND") return;
          this.#failure = mapped;
          this.#iter.stop();
        },
      )
      .finally(() => {
        this.#checking = false;
      });
  }
}
