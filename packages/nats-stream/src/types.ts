import type {
  CallOptions,
  HeadersInit,
  HelixError,
  NotAFunction,
  Payload,
  PublishAck,
} from "@helix/nats-core";
import type {
  StreamConfig,
  StreamConsumerLimits,
  StreamInfo,
  StreamUpdateConfig,
} from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";

/*
 * The public types of @helix/nats-stream: publishing first, then stream management. Every call
 * takes core's `CallOptions` (`{ signal }`, Go's `ctx`) last.
 */

/**
 * What `publish` accepts: core's `Payload` (bytes as they are, a string as UTF-8, anything else,
 * interfaces included, as JSON sent with `Content-Type: application/json`), or `undefined` for an
 * empty payload.
 */
export type PublishData = Payload | undefined;

/** The server's acknowledgement of a publish: the stream, the sequence, and whether it was a duplicate. */
export type PubAck = PublishAck;

/** Conditions the server checks before storing the message (optimistic concurrency). */
export interface PublishExpectations {
  /** The stream that must store the message (`Nats-Expected-Stream`). */
  stream?: string;
  /** The stream's last sequence must be this (`Nats-Expected-Last-Sequence`). */
  lastSequence?: number;
  /** The last sequence stored on this subject must be this (`Nats-Expected-Last-Subject-Sequence`). */
  lastSubjectSequence?: number;
  /** The last message ID stored in the stream must be this (`Nats-Expected-Last-Msg-Id`). */
  lastMsgID?: string;
}

/** Options of one `publish` / `publishAsync`. */
export interface PublishOptions extends CallOptions {
  /**
   * Headers to send; copied, never mutated. A `traceparent`, `tracestate` or `baggage` header in
   * another casing is sent as `Traceparent`, `Tracestate`, `Baggage`, the casing a Go service reads.
   */
  headers?: HeadersInit;
  /** The `Nats-Msg-Id` for de-duplication. Generated when retries are on and none is given. */
  msgID?: string;
  /** Server-side checks; a failed one is not retried (`WrongRevisionError` for a wrong sequence). */
  expect?: PublishExpectations;
  /** How long one attempt waits for the ack, in ms. Default: the connection's JetStream timeout. */
  timeoutMs?: number;
  /**
   * The message's time to live, in ms (nats-server 2.11+, on a stream created with
   * `allow_msg_ttl: true`): sent as the `Nats-TTL` header; the server removes the message once
   * it expires. A whole number of seconds, at least 1000 (the server counts TTLs in seconds), or
   * `"never"`: the message never expires, whatever the stream's `max_age`. Refused before any
   * I/O on an older server (`UnsupportedFeatureError`).
   */
  ttlMs?: number | "never";
  /**
   * Cancels waiting (for a window slot, the ack or a retry). A queued `publishAsync` message is
   * then not sent; one already sent may still be stored.
   */
  signal?: AbortSignal | undefined;
}

/**
 * Options of `increment` (a counter, nats-server 2.12+): a publish's options without those the
 * server refuses on an increment (`expect`) or on a counter stream (`ttlMs`).
 */
export type IncrementOptions = Omit<PublishOptions, "expect" | "ttlMs">;

/**
 * Why a publish is tried again: its try timed out (`"timeout"`), JetStream did not answer
 * (`"unavailable"`: no responders, a leader election), or the client reconnected while the try
 * awaited its ack (`"reconnect"`: the first send may have died with the old connection, so it is
 * re-sent at once, with the same `Nats-Msg-Id`).
 */
export type RetryReason = "timeout" | "unavailable" | "reconnect";

/**
 * How transient failures are retried. Two bounds, `budgetMs` (time) and `attempts` (count):
 * - neither given (the default): retries for up to 30 s (`budgetMs: 30_000`), any number of tries;
 * - one given: that one alone bounds the retries (`{ attempts: 4 }` tries 4 times, however long);
 * - both given: whichever is reached first ends them.
 */
export interface RetryOptions {
  /**
   * Total tries, the first included. `1` turns retries off. Default: no count, the time budget
   * alone bounds the retries.
   */
  attempts?: number;
  /**
   * How long transient failures are retried, in ms: no retry starts later than this after the
   * first try was sent (so a publish fails at the latest `budgetMs` plus one `timeoutMs` after it
   * was sent). Default 30 000 when `attempts` is not given, else unbounded.
   */
  budgetMs?: number;
  /** Delay before the first retry, in ms; doubles on each retry. Default 250. */
  initialDelayMs?: number;
  /** Upper bound of the delay, in ms. Default 2000. */
  maxDelayMs?: number;
  /**
   * Called before each retry with the error, the attempt that failed (from 1) and why it is
   * retried. A re-send on reconnect passes a `ConnectionError` (`CONNECTION_FAILED`) saying so.
   */
  onRetry?: (error: HelixError, attempt: number, reason: RetryReason) => void;
}

/** A `publishAsync` message whose failure nobody read, as `onError` gets it. */
export interface FailedPublish {
  /** The subject it was published to. */
  readonly subject: string;
  /** Its `Nats-Msg-Id`, if it had one. */
  readonly msgID: string | undefined;
  /** The payload as sent. */
  readonly payload: Uint8Array;
  /** The headers as sent (after the middleware ran). */
  readonly headers: MsgHdrs;
}

/** Options of `createPublisher`. */
export interface PublisherOptions {
  /** Most `publishAsync` messages awaiting their ack at once. Default 4000 (as nats.go). */
  maxPending?: number;
  /**
   * Retry policy, or `false` for no retries (and no generated message IDs). Default: transient
   * failures retried for up to 30 s.
   */
  retry?: RetryOptions | false;
  /** Default per-attempt ack timeout in ms. Default: the connection's JetStream timeout. */
  timeoutMs?: number;
  /**
   * Gets every `publishAsync` failure that nobody read: its `future.ack` was never read before
   * it failed. Default: such a failure is reported with `conn.report(error)`, an `error`
   * connection event (`onEvent`, and the middleware stack). A failure caused by the message's
   * own `signal` is not reported. If `onError` throws, the failure goes to `conn.report`.
   */
  onError?: (error: HelixError, message: FailedPublish) => void;
}

/** What `publishAsync` resolves to once the message is queued to be sent. */
export interface PublishFuture {
  /** The subject the message was published to. */
  readonly subject: string;
  /** The `Nats-Msg-Id` sent, if any. */
  readonly msgID: string | undefined;
  /**
   * Settles with the ack or the typed error. Reading it before it settles (to `await` it, attach
   * `.then`/`.catch`, pass it to `Promise.all`) means you handle its failure; a failure nobody
   * read goes to the publisher's `onError`, else to `conn.report`. Never an unhandled rejection,
   * and always counted by `complete()`.
   */
  readonly ack: Promise<PubAck>;
}

/** What `complete()` reports about the async publishes settled since the previous `complete()`. */
export interface PublishCompletion {
  /** How many of them the server acknowledged. */
  readonly acked: number;
  /** How many of them failed (their `future.ack` rejected). */
  readonly failed: number;
  /** The first failure among them, if any. */
  readonly firstError: HelixError | undefined;
}

/** Publishes messages to JetStream (Go: `JetStream.Publish`, `PublishAsync`, …). */
export interface Publisher {
  /**
   * Publishes and waits for the ack, retrying transient failures. `data` is any payload but a
   * function (refused at compile time). A closed or draining connection is refused at once with
   * `ConnectionError`.
   */
  publish<T extends Payload>(
    subject: string,
    data?: NotAFunction<T>,
    options?: PublishOptions,
  ): Promise<PubAck>;
  /**
   * Queues a message without waiting for the ack; waits only while `maxPending` acks are
   * outstanding. Resolves once the message is queued (validated, middleware passed up to the
   * send); the messages queued in one tick are handed to the client together at the next
   * macrotask, in call order, so they leave in one socket write. Rejects if the publish failed
   * before it was queued: validation, cancellation, a middleware failing or answering before the
   * send, and a closed or draining connection (`ConnectionError`, at once). Later failures settle
   * `future.ack` and are counted by `complete()`; one nobody read goes to `onError`.
   */
  publishAsync<T extends Payload>(
    subject: string,
    data?: NotAFunction<T>,
    options?: PublishOptions,
  ): Promise<PublishFuture>;
  /**
   * Adds `by` to the counter on `subject` (nats-server 2.12+, on a stream created with
   * `allow_msg_counter: true`) and resolves with the counter's new total. `by` is a safe integer
   * `number` or a `bigint`, negative to subtract, checked before any I/O; the total is a
   * `bigint` (a counter may exceed `Number.MAX_SAFE_INTEGER`). It is a publish: it runs through
   * the middleware stack as a `publish` operation with `increment` set, and is retried like one,
   * with the same `Nats-Msg-Id` on every try, so a retried increment is counted once (within the
   * stream's duplicate window). Refused on an older server (`UnsupportedFeatureError`).
   */
  increment(subject: string, by: number | bigint, options?: IncrementOptions): Promise<bigint>;
  /** Number of `publishAsync` messages not yet acknowledged (never above `maxPending`). */
  readonly pending: number;
  /** The window size. */
  readonly maxPending: number;
  /**
   * Resolves when no `publishAsync` is pending, with the counts of those settled since the
   * previous `complete()` resolved. Never rejects.
   */
  complete(): Promise<PublishCompletion>;
}

/**
 * Durations of a stream config in milliseconds, the unit of every other helix-nats option. The
 * server's own fields (`max_age`, `duplicate_window`, `subject_delete_marker_ttl`) are in
 * nanoseconds: give either one, not both. A nanosecond value under 1 ms is refused as a unit
 * mistake (`ValidationError`).
 */
export interface StreamDurationsMs {
  /** How old a message may get, in ms (`max_age`). `0`: no limit. */
  maxAgeMs?: number;
  /** The window in which a `Nats-Msg-Id` is de-duplicated, in ms (`duplicate_window`; server default 2 min). */
  duplicateWindowMs?: number;
  /** How long the delete marker of an expired message lives, in ms (`subject_delete_marker_ttl`, nats-server 2.11+). */
  subjectDeleteMarkerTtlMs?: number;
  /** Consumer defaults; `inactiveThresholdMs` in ms instead of `inactive_threshold` (nats-server 2.10+). */
  consumer_limits?: StreamConsumerLimits & {
    /** How long a consumer may be idle before the server removes it, in ms (`inactive_threshold`). */
    inactiveThresholdMs?: number;
  };
}

/** A stream configuration for `create`: `name` is required, every other field has a server default. */
export type StreamCreateConfig = Omit<Partial<StreamConfig>, "consumer_limits"> &
  StreamDurationsMs & {
    /** The stream's name: checked before any I/O (`ValidationError`). */
    name: string;
  };

/** A stream configuration for `update`: `name` and the fields to change, merged onto the current config. */
export type StreamUpdateInput = Omit<Partial<StreamUpdateConfig>, "consumer_limits"> &
  StreamDurationsMs & {
    /** The name of the stream to update. */
    name: string;
  };

/** What `purge` removes: everything, a subject's messages (`filter`), all but the last `keep`, or below `seq`. */
export interface PurgeOptions extends CallOptions {
  /** Only messages on this subject (wildcards allowed). */
  filter?: string;
  /** Keep this many of the newest messages. Exclusive with `seq`. */
  keep?: number;
  /** Remove messages below this sequence. Exclusive with `keep`. */
  seq?: number;
}

/** Options of `getMsg`. */
export interface GetMsgOptions extends CallOptions {
  /**
   * Read the first message at or after the sequence whose subject matches this one (wildcards
   * allowed) instead of the message at exactly that sequence (Go `jetstream.WithGetMsgSubject`).
   */
  subject?: string;
}

/** A message read back from a stream. */
export interface StoredMessage {
  /** The subject it was published to. */
  readonly subject: string;
  /** Its sequence number in the stream. */
  readonly seq: number;
  /** The payload bytes. */
  readonly data: Uint8Array;
  /** The stored headers, or `undefined` when the message had none. */
  readonly headers: MsgHdrs | undefined;
  /** When the server stored it. */
  readonly time: Date;
}

/** A handle on one stream (Go: `jetstream.Stream`); `name` and `config` are always filled. */
export interface Stream {
  /** The stream's name. */
  readonly name: string;
  /** The configuration last returned by the server (refreshed by `info()`). */
  readonly config: Readonly<StreamConfig>;
  /** Fresh stream info (state and config) from the server. */
  info(options?: CallOptions): Promise<StreamInfo>;
  /** Purges messages; resolves with how many were removed. */
  purge(options?: PurgeOptions): Promise<number>;
  /**
   * The message at `seq`, or `null` when there is none; with `subject`, the first message at or
   * after `seq` on that subject.
   */
  getMsg(seq: number, options?: GetMsgOptions): Promise<StoredMessage | null>;
  /** The last message stored on `subject`, or `null` when there is none. */
  getLastMsgForSubject(subject: string, options?: CallOptions): Promise<StoredMessage | null>;
  /**
   * The total of the counter on `subject` (nats-server 2.12+, a stream with
   * `allow_msg_counter`), read from the subject's last message; `null` when nothing was counted
   * on it yet. A `DecodeError` when that message is not a counter value.
   */
  getCounter(subject: string, options?: CallOptions): Promise<bigint | null>;
  /** Deletes the message at `seq`, marking it deleted without overwriting its data (Go `DeleteMsg`). */
  deleteMsg(seq: number, options?: CallOptions): Promise<void>;
  /** Deletes the message at `seq` and overwrites its data on disk (Go `SecureDeleteMsg`). */
  secureDeleteMsg(seq: number, options?: CallOptions): Promise<void>;
}

/** Stream management (Go: `JetStream.Stream`, `CreateStream`, `UpdateStream`, `DeleteStream`). */
export interface StreamManager {
  /** Creates a stream (the same config again is a no-op); resolves with its handle. */
  create(config: StreamCreateConfig, options?: CallOptions): Promise<Stream>;
  /** Updates a stream: the given fields are merged onto its current config. */
  update(config: StreamUpdateInput, options?: CallOptions): Promise<Stream>;
  /** The stream's handle; `NotFoundError` when it does not exist. */
  get(name: string, options?: CallOptions): Promise<Stream>;
  /** Deletes the stream and its messages; `NotFoundError` when it does not exist. */
  delete(name: string, options?: CallOptions): Promise<void>;
  /** Every stream (or those listening on `subject`), each as a full handle. */
  list(options?: CallOptions & { subject?: string }): Promise<Stream[]>;
}
