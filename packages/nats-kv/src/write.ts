import {
  type Connection,
  type HelixError,
  isRetryable,
  NotFoundError,
  toHelixError,
} from "@helix/nats-core";
import { retryDelay, sleep, TTL_HEADER, throwIfAborted } from "@helix/nats-core/internal";
import type { JetStreamClient, JetStreamManager, StoredMsg } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import { headers as createHeaders, type MsgHdrs, nuid } from "@nats-io/transport-node";
import { bucketIsMissing, toKvError } from "./errors.js";
import type { ResolvedRetry } from "./validation.js";

/*
 * Key-value writes (put, create, update, delete, purge), published here instead of through the
 * client's `put`/`delete`/`purge`, which take no message id. The wire format is the client's
 * (@nats-io/kv 3.4, `Bucket._put` and `_doDeleteOrPurge`): the same subject (with the JetStream
 * domain or API prefix, through the bucket's own `subjectForKey`), the same headers in the same
 * order, plus a `Nats-Msg-Id` that stays the same on every attempt of one write.
 */

/** The headers a key-value write carries (the client's names). */
const KV_OPERATION = "KV-Operation";
const ROLLUP = "Nats-Rollup";
const ROLLUP_SUBJECT = "sub";
const EXPECTED_LAST_SUBJECT_SEQUENCE = "Nats-Expected-Last-Subject-Sequence";
const MSG_ID = "Nats-Msg-Id";
const EMPTY = new Uint8Array(0);

/** One write of a key: a value, or a delete/purge marker, optionally checked against a revision. */
export interface KvWrite {
  /** The operation kind, for messages (`kv.put`). */
  readonly operation: string;
  readonly key: string;
  /** The value's bytes; markers carry none. */
  readonly data?: Uint8Array;
  /** `DEL` or `PURGE` for a marker; a value otherwise. */
  readonly marker?: "DEL" | "PURGE";
  /**
   * The revision the key must be at (`Nats-Expected-Last-Subject-Sequence`): 0 for "no entry".
   * Absent: written whatever the key holds.
   */
  readonly expect?: number;
  /** The `Nats-TTL` header's value (`"5s"`, `"never"`), for a value or a purge marker that expires. */
  readonly ttl?: string;
}

/** How one bucket's writes are retried. */
export interface WriteSettings {
  readonly retry: ResolvedRetry;
  /**
   * The bucket stream's de-duplication window (`duplicate_window`, the server's default 2 min,
   * or the TTL when shorter), in ms: a write without a revision check is retried only within it,
   * where the server still recognises its message id.
   */
  readonly duplicateWindowMs: number;
  /**
   * The bucket's stream allows per-message TTLs (`allow_msg_ttl`: a bucket with limit markers),
   * as it was when opened: a write with `ttlMs` on one that does not is refused before any I/O.
   */
  readonly allowMsgTtl: boolean;
}

/** The members of the client's `Bucket` (the class behind its `KV`) that writes use. */
interface BucketInternals {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly direct: boolean;
  bucketName(): string;
  subjectForKey(key: string, edit?: boolean): string;
  encodeKey(key: string): string;
}

/** The client's bucket as `BucketInternals`, checked by shape (a `Kvm` always makes a `Bucket`). */
export function bucketInternals(raw: KV): BucketInternals {
  const b = raw as unknown as Partial<BucketInternals>;
  if (
    typeof b.subjectForKey !== "function" ||
    typeof b.encodeKey !== "function" ||
    typeof b.bucketName !== "function" ||
    typeof b.js?.publish !== "function" ||
    b.jsm === undefined
  ) {
    throw new TypeError("@helix/nats-kv: the @nats-io/kv bucket lacks the members it needs (3.4)");
  }
  return b as BucketInternals;
}

/**
 * The headers of a write, in the order the client writes them (a purge's `Nats-TTL` after its
 * rollup, a value's after the revision check), then the message id.
 */
export function writeHeaders(write: KvWrite, msgID: string): MsgHdrs {
  const h = createHeaders();
  if (write.marker !== undefined) {
    h.set(KV_OPERATION, write.marker);
    if (write.marker === "PURGE") h.set(ROLLUP, ROLLUP_SUBJECT);
    if (write.ttl !== undefined) h.set(TTL_HEADER, write.ttl);
  }
  if (write.expect !== undefined) h.set(EXPECTED_LAST_SUBJECT_SEQUENCE, `${write.expect}`);
  if (write.marker === undefined && write.ttl !== undefined) h.set(TTL_HEADER, write.ttl);
  h.set(MSG_ID, msgID);
  return h;
}

/**
 * Sends key-value writes of one bucket, retrying transient failures (timeouts, no responders,
 * leader elections) within a time budget, with the same `Nats-Msg-Id` on every attempt, so that
 * the server stores a retried write once.
 */
export class KvWriter {
  #conn: Connection;
  #bucket: string;
  #raw: BucketInternals;
  #retry: ResolvedRetry;
  #duplicateWindowMs: number;

  constructor(conn: Connection, bucket: string, raw: KV, settings: WriteSettings) {
    this.#conn = conn;
    this.#bucket = bucket;
    this.#raw = bucketInternals(raw);
    this.#retry = settings.retry;
    this.#duplicateWindowMs = settings.duplicateWindowMs;
  }

  /**
   * Sends `write` and resolves to its revision. A failure is rejected as the client's error (the
   * caller maps it), except a missing bucket (`NotFoundError`). The drain of the connection waits
   * for a write in flight, retries included.
   */
  send(write: KvWrite, signal: AbortSignal | undefined): Promise<number> {
    const sending = this.#send(write, signal);
    const settled = sending.then(
      () => {},
      () => {},
    );
    const unregister = this.#conn.onDrain(() => settled);
    void settled.then(unregister);
    return sending;
  }

  async #send(write: KvWrite, signal: AbortSignal | undefined): Promise<number> {
    const raw = this.#raw;
    // A write checked against a revision can be retried for the whole budget: a stored earlier
    // attempt is found by its message id in the key's entries. One without a check relies on the
    // server's de-duplication, so it is retried only within the window where that works.
    const budgetMs =
      write.expect === undefined
        ? Math.min(this.#retry.budgetMs, this.#duplicateWindowMs)
        : this.#retry.budgetMs;
    const encoded = raw.encodeKey(write.key);
    const subject = raw.subjectForKey(encoded, true);
    const msgID = nuid.next();
    const headers = writeHeaders(write, msgID);
    const data = write.data ?? EMPTY;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(signal, write.operation);
      let failure: unknown;
      try {
        return (await raw.js.publish(subject, data, { headers })).seq;
      } catch (err) {
        failure = err;
      }
      let error = toHelixError(failure);
      // A revision check that failed after an attempt whose fate is unknown (it timed out): that
      // attempt may have been stored, and some servers check the revision before the message id
      // (2.15 answers "wrong last sequence" where 2.9 answers "duplicate"). Ours, if stored, is
      // the key's next entry after the expected revision.
      if (error.code === "WRONG_REVISION" && attempt > 1 && write.expect !== undefined) {
        try {
          const revision = await this.#storedEarlier(encoded, write.expect, msgID);
          if (revision !== undefined) return revision;
        } catch (err) {
          failure = err;
          error = toHelixError(err);
        }
      }
      if (!isRetryable(error)) throw failure;
      if (
        error.code === "JETSTREAM_UNAVAILABLE" &&
        (await bucketIsMissing(this.#conn, this.#bucket))
      ) {
        throw new NotFoundError("bucket", this.#bucket, { cause: failure });
      }
      const delay = retryDelay(attempt, this.#retry);
      if (Date.now() - started + delay >= budgetMs) throw failure;
      const context = { operation: write.operation, bucket: this.#bucket, key: write.key };
      this.#notify(toKvError(failure, context), attempt);
      await sleep(delay, signal, write.operation);
    }
  }

  /** The revision of the entry this write stored, when the key's next entry after `expect` is it. */
  async #storedEarlier(
    encoded: string,
    expect: number,
    msgID: string,
  ): Promise<number | undefined> {
    const raw = this.#raw;
    const stream = raw.bucketName();
    // next_by_subj: the first entry of the key from this sequence on (2.9 answers it too; the
    // client's type for the non-direct get omits it)
    const query = { seq: expect + 1, next_by_subj: raw.subjectForKey(encoded) };
    const stored: StoredMsg | null = raw.direct
      ? await raw.jsm.direct.getMessage(stream, query)
      : await raw.jsm.streams.getMessage(stream, query as unknown as { seq: number });
    return stored !== null && stored.header?.get(MSG_ID) === msgID ? stored.seq : undefined;
  }

  #notify(error: HelixError, attempt: number): void {
    try {
      this.#retry.onRetry?.(error, attempt);
    } catch {
      // A throwing observer must not turn a retryable failure into a failed write.
    }
  }
}
