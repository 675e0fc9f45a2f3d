import type {
  CallOptions,
  HeadersInit,
  HelixError,
  InferInput,
  NotAFunction,
  Payload,
  PublishAck,
  PublishBatchAck,
  StandardSchemaV1,
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

/** Options of a publish whose data a schema validates: `PublishOptions` plus the `schema`. */
export interface SchemaPublishOptions<S extends StandardSchemaV1> extends PublishOptions {
  /**
   * A Standard Schema (zod 4, valibot 1, arktype 2…) the data must pass before it is encoded:
   * a failure rejects with a `ValidationError` listing the `issues`, before any I/O. The data is
   * sent as given (the schema's input, not its transformed output), so a consumer can validate it
   * with the same schema.
   */
  schema: S;
}

/** A publisher bound to one subject and one schema: `publisher.typed(subject, schema)`. */
export interface TypedPublisher<S extends StandardSchemaV1> {
  /** The subject every message goes to. */
  readonly subject: string;
  /** The schema every message is validated with before it is sent. */
  readonly schema: S;
  /** `publish(subject, data, { ...options, schema })`: validated, then published and acked. */
  publish(data: InferInput<S>, options?: PublishOptions): Promise<PubAck>;
  /** `publishAsync(subject, data, { ...options, schema })`: validated, then queued. */
  publishAsync(data: InferInput<S>, options?: PublishOptions): Promise<PublishFuture>;
}

/**
 * Options of `increment` (a counter, nats-server 2.12+): a publish's options without those the
 * server refuses on an increment (`expect`) or on a counter stream (`ttlMs`).
 */
export type IncrementOptions = Omit<PublishOptions, "expect" | "ttlMs">;

/**
 * Options of one message of an atomic batch: headers, a message ID, a TTL and the server-side
 * checks but `expect.lastMsgID` (the server refuses `Nats-Expected-Last-Msg-Id` inside a batch).
 */
export interface BatchMessageOptions {
  /** Headers to send; copied, never mutated (as `PublishOptions.headers`). */
  headers?: HeadersInit;
  /** The `Nats-Msg-Id` for de-duplication; none is generated (a batch is never re-sent). */
  msgID?: string;
  /** The message's time to live (as `PublishOptions.ttlMs`; nats-server 2.11+, `allow_msg_ttl`). */
  ttlMs?: number | "never";
  /** Server-side checks of this message, evaluated when the batch commits. */
  expect?: Omit<PublishExpectations, "lastMsgID">;
}

/** Options of `commit()`. */
export interface BatchCommitOptions extends CallOptions {
  /** How long the first message and the commit each wait for the server's answer, in ms. */
  timeoutMs?: number;
}

/** The server's acknowledgement of a committed atomic batch: the last message's stream and sequence, and the count. */
export type BatchAck = PublishBatchAck;

/**
 * An atomic batch (nats-server 2.12+, a stream created with `allow_atomic: true`): messages are
 * added, checked at once and kept in memory; `commit()` sends them and the server stores all of
 * them, or none. From `publisher.batch()`.
 */
export interface PublishBatch {
  /** How many messages were added. */
  readonly size: number;
  /**
   * Adds a message (any subject of the batch's stream). Checked at once, before any I/O: a bad
   * subject, option or payload, or a 1001st message, throws `ValidationError`. Returns the batch.
   */
  add<T extends Payload>(
    subject: string,
    data?: NotAFunction<T>,
    options?: BatchMessageOptions,
  ): this;
  /**
   * Sends the batch and resolves with its one ack once the server stored every message. An empty
   * batch is refused before any I/O (`ValidationError`). A refusal by the server stores nothing
   * and rejects with `BatchPublishError`; a commit whose answer timed out rejects with
   * `TimeoutError` (the server may have stored the batch). Cancelled (`signal`) before the commit
   * was sent, the batch is never committed. A batch commits once; it is not retried.
   */
  commit(options?: BatchCommitOptions): Promise<BatchAck>;
}

/**
 * When and where a scheduled message is delivered (`publisher.schedule`). Exactly one of `at`,
 * `delayMs` (once, nats-server 2.12+), `everyMs` or `cron` (repeating, nats-server 2.14+).
 */
export interface ScheduleOptions extends CallOptions {
  /** The subject the message is published to when the schedule fires; a subject of the same stream, not the schedule's own. */
  target: string;
  /** Fire once at this time (`Nats-Schedule: @at <RFC 3339>`); a time past fires at once. */
  at?: Date;
  /** Fire once, this many ms from now (an `at` computed from the local clock). */
  delayMs?: number;
  /** Fire every this many ms, at least 1000 (`@every`, nats-server 2.14+). */
  everyMs?: number;
  /**
   * Fire on a cron schedule (nats-server 2.14+): 6 fields, `sec min hour day-of-month month
   * day-of-week` (`"0 30 9 * * 1-5"`), or `@yearly`, `@annually`, `@monthly`, `@weekly`,
   * `@daily`, `@midnight`, `@hourly`.
   */
  cron?: string;
  /** The IANA time zone of a `cron` schedule (`Nats-Schedule-Time-Zone`, nats-server 2.14+); default UTC. */
  timeZone?: string;
  /**
   * The TTL of each message the schedule produces (`Nats-Schedule-TTL`; the stream needs
   * `allow_msg_ttl`): a whole number of seconds in ms, or `"never"`.
   */
  ttlMs?: number | "never";
  /** Headers to send with the schedule; they are copied into every message it produces. */
  headers?: HeadersInit;
  /** The `Nats-Msg-Id` of the schedule message itself (generated when retries are on). */
  msgID?: string;
  /** How long one attempt waits for the ack, in ms. */
  timeoutMs?: number;
}

/** A schedule stored by the server (`publisher.schedule`). */
export interface ScheduledMessage {
  /** The schedule's own subject (one schedule per subject: a new one replaces it). */
  readonly subject: string;
  /** Where it delivers. */
  readonly target: string;
  /** The `Nats-Schedule` value sent (`"@at 2026-…Z"`, `"@every 5s"`, a cron expression). */
  readonly schedule: string;
  /** When a one-shot schedule fires; `undefined` for a repeating one. */
  readonly at: Date | undefined;
  /** The stream that stored it. */
  readonly stream: string;
  /** Its sequence in that stream. */
  readonly seq: number;
  /**
   * Cancels this schedule by deleting its message: resolves `true` when it was deleted, `false`
   * when it was gone already (a one-shot that fired, a schedule replaced or cancelled). A
   * `stream.deleteMsg` operation.
   */
  cancel(options?: CallOptions): Promise<boolean>;
}

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
   * `ConnectionError`. With `options.schema`, `data` is typed as the schema's input and
   * validated before anything is sent (`ValidationError` listing the issues).
   */
  publish<S extends StandardSchemaV1>(
    subject: string,
    data: InferInput<S>,
    options: SchemaPublishOptions<S>,
  ): Promise<PubAck>;
  /** Publishes and waits for the ack (see the overload above). */
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
   * `future.ack` and are counted by `complete()`; one nobody read goes to `onError`. With
   * `options.schema`, `data` is typed as the schema's input and validated first.
   */
  publishAsync<S extends StandardSchemaV1>(
    subject: string,
    data: InferInput<S>,
    options: SchemaPublishOptions<S>,
  ): Promise<PublishFuture>;
  /** Queues a message without waiting for the ack (see the overload above). */
  publishAsync<T extends Payload>(
    subject: string,
    data?: NotAFunction<T>,
    options?: PublishOptions,
  ): Promise<PublishFuture>;
  /**
   * A publisher for one subject whose messages are typed and validated by `schema` (a Standard
   * Schema) before they are sent. `ValidationError` for a bad subject and `ConfigError` for a
   * schema that is not a Standard Schema, at once.
   */
  typed<S extends StandardSchemaV1>(subject: string, schema: S): TypedPublisher<S>;
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
  /**
   * Starts an atomic batch (nats-server 2.12+, a stream with `allow_atomic: true`): `add()`
   * messages, then `commit()`; the server stores all of them or none, with one ack. It runs
   * through the middleware stack as one `publish.batch` operation. Refused on an older server
   * with `UnsupportedFeatureError`, before any I/O.
   */
  batch(): PublishBatch;
  /**
   * Stores a scheduled message (nats-server 2.12+, a stream with `allow_msg_schedules: true`) on
   * `subject`, its schedule subject: when it fires, the server publishes `data` (with the
   * headers) to `options.target`, a subject of the same stream. Once at `at` or after `delayMs`
   * (2.12+), or repeatedly with `everyMs` or `cron` (2.14+). It runs through the middleware stack
   * as a `publish` operation with `schedule` and `scheduleTarget` set, and is retried like one.
   * Checked before any I/O (`ValidationError`); refused on a server too old for the kind of
   * schedule (`UnsupportedFeatureError`). Cancel it with the result's `cancel()`, or by subject
   * with `stream.cancelSchedule(subject)`.
   */
  schedule<T extends Payload>(
    subject: string,
    data: NotAFunction<T> | undefined,
    options: ScheduleOptions,
  ): Promise<ScheduledMessage>;
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

/**
 * What `getBatch` reads (batch direct get, nats-server 2.11+, a stream with `allow_direct`):
 * from `seq` (default 1) or from `startTime`, at most `batch` messages and `maxBytes` bytes,
 * only those on `subject` when given.
 */
export interface GetBatchOptions extends CallOptions {
  /** The first sequence to read from (default 1). Exclusive with `startTime`. */
  seq?: number;
  /** Read from the first message stored at or after this time. Exclusive with `seq`. */
  startTime?: Date;
  /** Most messages returned (default 1024). */
  batch?: number;
  /** Most bytes returned (the server stops before the message that would pass it). */
  maxBytes?: number;
  /** Only messages on this subject (wildcards allowed). */
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
  /**
   * Up to `batch` messages in one request (batch direct get, nats-server 2.11+, a stream created
   * with `allow_direct: true`): from `seq` or `startTime`, only those on `subject` when given; `[]`
   * when there are none. A `stream.getBatch` operation. Refused before any I/O on an older server
   * (`UnsupportedFeatureError`) or when the handle's config has no `allow_direct` (`ValidationError`).
   */
  getBatch(options?: GetBatchOptions): Promise<StoredMessage[]>;
  /** The last message stored on `subject`, or `null` when there is none. */
  getLastMsgForSubject(subject: string, options?: CallOptions): Promise<StoredMessage | null>;
  /**
   * The total of the counter on `subject` (nats-server 2.12+, a stream with
   * `allow_msg_counter`), read from the subject's last message; `null` when nothing was counted
   * on it yet. A `DecodeError` when that message is not a counter value.
   */
  getCounter(subject: string, options?: CallOptions): Promise<bigint | null>;
  /**
   * Cancels the schedule stored on `subject` (see `publisher.schedule`): reads the subject's last
   * message and deletes it if it is a schedule. Resolves `true` when one was deleted, `false` when
   * there was none (never scheduled, a one-shot that fired). A last message that is not a
   * schedule is left alone: `ValidationError`. Refused before 2.12 (`UnsupportedFeatureError`).
   */
  cancelSchedule(subject: string, options?: CallOptions): Promise<boolean>;
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
