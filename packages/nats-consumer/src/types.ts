import type {
  CallOptions,
  Connection,
  ConsumerHealth,
  DeliveredMessage,
  InferOutput,
  StandardSchemaV1,
} from "@helix/nats-core";
import type {
  ConsumerConfig as ClientConsumerConfig,
  ConsumerInfo,
  ConsumerNotification,
  JsMsg,
  OrderedConsumerOptions,
  Consumer as RawConsumer,
} from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";

/**
 * The fields of JetStream's consumer config that only push consumers take. helix consumers are
 * pull consumers: they are left out of `ConsumerConfig`, and refused at run time for JavaScript
 * callers (a pull's heartbeat is the `idleHeartbeatMs` option of `consume()` and `messages()`).
 */
export type PushOnlyField =
  | "deliver_subject"
  | "deliver_group"
  | "flow_control"
  | "idle_heartbeat"
  | "rate_limit_bps";

/**
 * The durations of a consumer config in milliseconds, converted by helix to the server's
 * nanoseconds. Each is an alternative to its nanosecond field: set one or the other, not both.
 */
export interface ConsumerDurationsMs {
  /** How long the server waits for an ack before redelivering, in ms (`ack_wait`). Server default 30 000. */
  ackWaitMs?: number;
  /** Redelivery delays after each failed delivery, in ms (`backoff`); `max_deliver` must exceed their count. */
  backoffMs?: number[];
  /** An idle consumer is deleted after this long, in ms (`inactive_threshold`). */
  inactiveThresholdMs?: number;
  /** The longest expiry a pull request may ask for, in ms (`max_expires`). */
  maxExpiresMs?: number;
  /** How long a pinned client keeps its pin without pulling, in ms (`priority_timeout`, server 2.11+). */
  priorityTimeoutMs?: number;
}

/**
 * A pull consumer's configuration, in JetStream's own wire names (`durable_name`,
 * `filter_subject(s)`, `ack_policy`, `max_deliver`…), without the push consumer fields. Durations
 * are best given in milliseconds (`ackWaitMs`, `backoffMs`, `inactiveThresholdMs`,
 * `maxExpiresMs`, `priorityTimeoutMs`); the wire fields (`ack_wait`, `backoff`…) are the server's
 * nanoseconds, and a value under 1 ms there is refused as a unit mistake. Set `durable_name` (or
 * `name`) for a durable consumer, neither for an ephemeral one. `ack_policy` defaults to
 * `explicit`. `filter_subjects` with more than one subject needs server 2.10.
 */
export type ConsumerConfig = Omit<Partial<ClientConsumerConfig>, PushOnlyField | "pause_until"> &
  ConsumerDurationsMs &
  ConsumerPauseConfig;

/**
 * A consumer that starts paused (nats-server 2.11+): it delivers nothing until the date, or until
 * `resume()`. Set `pauseUntil` (a `Date`) or `pause_until` (a `Date` or an ISO 8601 string, the
 * server's field), not both; the date must be in the future.
 */
export interface ConsumerPauseConfig {
  /** The consumer is paused until this date (`pause_until`, server 2.11+). */
  pauseUntil?: Date;
  /** The server's field: a `Date` or an ISO 8601 string; prefer `pauseUntil`. */
  pause_until?: Date | string;
}

/** The config as the server takes it: nanoseconds only. Internal. */
export type WireConsumerConfig = Omit<Partial<ClientConsumerConfig>, PushOnlyField>;

/** The paused state a `pause()` or `resume()` left the consumer in. */
export interface PauseState {
  /** True while the consumer is paused. */
  readonly paused: boolean;
  /** When the pause ends, while paused. */
  readonly pauseUntil: Date | undefined;
}

/**
 * Consumer info as the server reports it, plus its paused state: `paused` (false on servers
 * before 2.11, which cannot pause) and `pauseRemainingMs`, the time left until the consumer
 * resumes by itself (`undefined` when not paused).
 */
export type ConsumerDetails = ConsumerInfo & {
  /** True while the consumer is paused (server 2.11+). */
  readonly paused: boolean;
  /** Milliseconds until the consumer resumes by itself; `undefined` when not paused. */
  readonly pauseRemainingMs: number | undefined;
  /** Each priority group with its pinned client (server 2.11+; `[]` without groups). */
  readonly priorityGroups: PriorityGroupState[];
};

/** A priority group of a consumer, as its info reports it. */
export interface PriorityGroupState {
  /** The group name. */
  readonly group: string;
  /** The id of the client pinned in this group (`pinned_client` policy), if one is. */
  readonly pinnedClientId: string | undefined;
  /** When that client was pinned. */
  readonly pinnedAt: Date | undefined;
}

/**
 * The priority group a pull belongs to (nats-server 2.11+), for a consumer created with
 * `priority_groups` and a `priority_policy`. `minPending`/`minAckPending` are for the `overflow`
 * policy, `priority` (0 is first, up to 9; server 2.12+) for `prioritized`.
 */
export interface PriorityPullOptions {
  /** The priority group (one of the consumer's `priority_groups`). */
  group?: string;
  /** `overflow`: only get messages while the consumer has at least this many pending. */
  minPending?: number;
  /** `overflow`: only get messages while at least this many wait for an ack. */
  minAckPending?: number;
  /** `prioritized` (server 2.12+): 0 (first) to 9; a pull gets messages only when none with a lower number waits. */
  priority?: number;
}

/** Options of an ordered consumer (the client's `OrderedConsumerOptions`). */
export type OrderedConfig = Partial<OrderedConsumerOptions>;

/** A consume status notification from the client (heartbeats, consumer deleted, discard…). */
export type ConsumerStatus = ConsumerNotification;

/** The redelivery delay after a handler throws: fixed milliseconds, or a function of the delivery count. */
export type NakDelay = number | ((deliveryCount: number) => number);

/**
 * Delivery facts of a JetStream message, as helix reports them: what middlewares see in
 * `DeliveredMessage.info` (stream, consumer, sequences, `deliveryCount` from 1, `pending` after
 * this one, `timestampMs`), plus the timestamp as a `Date`.
 */
export type DeliveryInfo = DeliveredMessage["info"] & {
  /** The same instant as `timestampMs`. */
  readonly timestamp: Date;
};

/** A JetStream message handed to user code, with traced settling. */
export interface Msg {
  /** The subject the message was published to. */
  readonly subject: string;
  /** The payload bytes. */
  readonly data: Uint8Array;
  /** The message headers, or `undefined` when it has none. */
  readonly headers: MsgHdrs | undefined;
  /** The stream sequence. */
  readonly seq: number;
  /** Delivery facts: stream, consumer, sequences, delivery count, pending, timestamp. */
  readonly info: DeliveryInfo;
  /** True once `ack`, `ackAck`, `nak` or `term` was called (`working` does not settle). */
  readonly settled: boolean;
  /** The client's message (escape hatch). */
  readonly raw: JsMsg;
  /**
   * Decodes the data as JSON. A body that is not JSON throws a `DecodeError` (from
   * `@helix/nats-core`) naming the subject, stream and sequence, with the `SyntaxError` as its cause.
   */
  json<T = unknown>(): T;
  /** Decodes the data as UTF-8. */
  string(): string;
  /** Acknowledges the message. Resolves once the ack is sent (not confirmed: see `ackAck`). */
  ack(): Promise<void>;
  /** Acknowledges the message and waits for the server's confirmation. */
  ackAck(options?: { timeoutMs?: number }): Promise<void>;
  /** Asks for redelivery, after `delayMs` if given. */
  nak(delayMs?: number): Promise<void>;
  /**
   * Stops redelivery of this message for good. `reason` is sent to servers 2.10+ (older ones
   * ignore a term that carries a reason, so it is left off there) and always given to middleware.
   */
  term(reason?: string): Promise<void>;
  /** Tells the server the message is still being worked on (resets its ack timer). */
  working(): Promise<void>;
}

/** Options of `fetch` and `fetchBytes`. */
export interface FetchOptions extends CallOptions, PriorityPullOptions {
  /** How long the server holds the pull request, in ms. Client minimum 1000; default 30 000. */
  expiresMs?: number;
}

/** What a handler gets besides the message. */
export interface HandlerContext {
  /**
   * Aborts when the handler's work is to be abandoned: `stop({ abort: true })`, a drain deadline
   * that passed (`drain({ timeoutMs })`, or the connection closed by `conn.drain()` past its
   * deadline), the connection closed, or the consume failing (consumer or stream deleted).
   * `stop()` and `drain()` leave it alone: running handlers finish. Pass it to what the handler
   * waits on; a handler that then throws is nak'ed without delay.
   */
  readonly signal: AbortSignal;
}

/**
 * A message handler. Returning acks (with `autoAck`), throwing naks with a backoff delay: a retry
 * that needs a consumer that acks (`ack_policy` explicit, the default of `createOrUpdate`).
 */
export type MsgHandler = (msg: Msg, ctx: HandlerContext) => void | Promise<void>;

/** A message whose JSON body a schema validated: `value` is the schema's output. */
export interface TypedMsg<T> extends Msg {
  /** The decoded, validated (and possibly transformed) body. */
  readonly value: T;
}

/** The handler of a consume with a `schema`: it gets the typed, validated value in `msg.value`. */
export type TypedMsgHandler<T> = (msg: TypedMsg<T>, ctx: HandlerContext) => void | Promise<void>;

/** Where an error reported to `onError` came from. */
export interface ConsumeErrorContext {
  /** The message whose handler or settling failed; absent for consume status problems. */
  msg?: Msg;
}

/** Pull tuning shared by `consume` and `messages`. */
export interface PullOptions extends PriorityPullOptions {
  /** Messages asked for per pull request (client `max_messages`). Default 100. */
  maxMessages?: number;
  /** Bytes asked for per pull request (client `max_bytes`); exclusive with `maxMessages`. */
  maxBytes?: number;
  /** Pull request expiry in ms (client minimum 1000). Default 30 000. */
  expiresMs?: number;
  /** Server heartbeat interval in ms (client clamps to 500..30 000). Default half of `expiresMs`. */
  idleHeartbeatMs?: number;
  /** Called with every consume status notification from the client. */
  onStatus?: (status: ConsumerStatus) => void;
  /**
   * Missed server heartbeats in a row (while connected) after which the consume or iterator ends
   * with a `TimeoutError` if the server does not answer a ping either (`consume` reports each miss
   * to `onError` before that). While the server answers (a JetStream leader election), misses are
   * reported and the client keeps pulling. Default 6.
   */
  maxMissedHeartbeats?: number;
}

/**
 * How a message whose handler threw is retried (`consume`'s `retry` option): the nak delay by
 * delivery count. Give a schedule (`delaysMs`) or an exponential curve (`initialDelayMs`,
 * `multiplier`, `maxDelayMs`, `jitter`), not both. A consumer created with `backoff` uses its
 * own steps instead (unless `useConsumerBackoff: false`); its `max_deliver` bounds the retries.
 */
export interface RetryOptions {
  /**
   * The delay after the n-th failed delivery is `delaysMs[n - 1]`; past the end the last one
   * repeats. E.g. `[1000, 5000, 30000]`.
   */
  delaysMs?: number[];
  /** Exponential: the delay after the first failed delivery, in ms. Default 1000. */
  initialDelayMs?: number;
  /** Exponential: the factor per further delivery (at least 1). Default 2. */
  multiplier?: number;
  /** Exponential: the longest delay, in ms. Default 30 000. */
  maxDelayMs?: number;
  /**
   * The share of each delay (0 to 1) taken off at random, so that many failing messages do not
   * come back in lockstep: a delay `d` becomes one between `d * (1 - jitter)` and `d`. Default 0.
   */
  jitter?: number;
  /** Use the consumer's `backoff` steps, when it has some, for the delays. Default true. */
  useConsumerBackoff?: boolean;
  /**
   * Whether an error is permanent: the message is then not retried at all but dead-lettered (or
   * term'ed without dead letters) on that delivery. Default `isPermanentError`: a helix-nats
   * error that `isRetryable` says is not retryable (`DecodeError`, `ValidationError`…), other
   * than a cancellation or a closed connection. A plain `Error` is retried.
   */
  isPermanent?: (error: unknown) => boolean;
}

/**
 * Where a message that failed for good is stored (`consume`'s `deadLetter` option): its last
 * delivery (`max_deliver`) failed, or its handler threw a permanent error. `true` takes every
 * default.
 */
export interface DeadLetterOptions {
  /**
   * The dead-letter stream. Default `DEAD_LETTERS_<stream>`, created on first need (limits
   * retention, file storage, subjects `$helix.dlq.<stream>.>`). A stream named here must exist
   * and capture `subject`.
   */
  stream?: string;
  /** The subject dead letters are published to. Default `$helix.dlq.<stream>.<consumer>`. */
  subject?: string;
}

/** Options of `createDeadLetters`. */
export interface DeadLettersOptions {
  /** The dead-letter stream, e.g. `DEAD_LETTERS_ORDERS` (the default one of stream `ORDERS`). */
  stream: string;
  /**
   * Not used: taken so that a consume's `deadLetter` option (`{ stream, subject }`) can be passed
   * as it is. The dead letters are read from the whole stream.
   */
  subject?: string;
}

/** Selects dead letters; every field given must match. */
export interface DeadLetterFilter {
  /** The consumer whose handler failed. */
  consumer?: string;
  /** Why they were dead-lettered. */
  reason?: "max_deliver" | "permanent";
  /** The stream they came from. */
  originalStream?: string;
  /** The subject they were published to. */
  originalSubject?: string;
  /** The `Helix-Dead-Letter-Error-Type` (an error code such as `DECODE`, or a class name). */
  errorType?: string;
  /** At most this many, oldest first. Default 1000. */
  limit?: number;
}

/** A dead letter as `DeadLetters.list` returns it: the message, and why it is there. */
export interface DeadLetter {
  /** Its sequence in the dead-letter stream. */
  readonly seq: number;
  /** The subject it is stored under in the dead-letter stream. */
  readonly subject: string;
  /** The original payload. */
  readonly data: Uint8Array;
  /** The original headers (trace context included) plus the `Helix-Dead-Letter-*` ones. */
  readonly headers: MsgHdrs;
  /** When the dead-letter stream stored it. */
  readonly storedAt: Date;
  /** `max_deliver` (its last delivery failed) or `permanent` (a permanent error). */
  readonly reason: "max_deliver" | "permanent";
  /** The error's code (helix errors) or class name. */
  readonly errorType: string;
  /** The error's message (one line, at most 256 characters, URL credentials masked). */
  readonly errorMessage: string;
  /** The delivery that failed, from 1. */
  readonly deliveryCount: number;
  /** The stream it came from. */
  readonly originalStream: string;
  /** Its sequence there. */
  readonly originalSeq: number;
  /** The consumer whose handler failed. */
  readonly consumer: string;
  /** The subject it was published to (a replay publishes there). */
  readonly originalSubject: string;
  /** When it was dead-lettered. */
  readonly deadLetteredAt: Date;
  /** Its original `Nats-Msg-Id`, if it had one. */
  readonly msgId: string | undefined;
}

/** Options of `DeadLetters.replay`. */
export interface ReplayOptions extends CallOptions {
  /** Keep the dead letters after replaying them. Default false: each is deleted once replayed. */
  keep?: boolean;
}

/** One replayed dead letter. */
export interface ReplayedDeadLetter {
  /** Its sequence in the dead-letter stream. */
  readonly deadLetter: number;
  /** The stream that stored the replayed message. */
  readonly stream: string;
  /** Its sequence there. */
  readonly seq: number;
  /** The new `Nats-Msg-Id` it was published with. */
  readonly msgID: string;
}

/** The dead letters of one dead-letter stream (`createDeadLetters`). Each call is a `deadletter.*` operation. */
export interface DeadLetters {
  /** The dead-letter stream. */
  readonly stream: string;
  /** The dead letters matching `filter`, oldest first (at most `filter.limit`, default 1000). */
  list(filter?: DeadLetterFilter, options?: CallOptions): Promise<DeadLetter[]>;
  /**
   * Publishes the dead letter with sequence `target`, or every one matching a filter, to its
   * original subject again: the original payload and headers (without the dead-letter headers
   * and the old trace context), a new `Nats-Msg-Id` and `Helix-Replayed-From: <stream>:<seq>`.
   * Each replayed dead letter is deleted unless `keep`. A missing sequence is a `NotFoundError`.
   */
  replay(target: number | DeadLetterFilter, options?: ReplayOptions): Promise<ReplayedDeadLetter[]>;
  /** Deletes the dead letters matching `filter` (all without one); resolves with how many. */
  purge(filter?: DeadLetterFilter, options?: CallOptions): Promise<number>;
}

/** Options of the keepalive that sends `working()` while a handler runs (`consume`'s `keepAlive`). */
export interface KeepAliveOptions {
  /**
   * How often `working()` is sent while a handler runs, in ms. Default a third of the consumer's
   * `ack_wait` (at least 100 ms), so the server never redelivers a message still being handled.
   * At most half of `ack_wait`: more is refused by `consume()` with a `ConfigError`.
   */
  intervalMs?: number;
}

/** Options of `consume`. */
export interface ConsumeOptions extends PullOptions {
  /**
   * Ack when the handler returns, nak when it throws (unless it settled). Default true. Refused
   * (`ValidationError`) on a consumer with `ack_policy: "none"`, which cannot take a nak: pass
   * `false` there, or create the consumer with `ack_policy: "explicit"` (the default).
   */
  autoAck?: boolean;
  /** Handlers running at once. Default 1 (messages handled one by one, in order). */
  concurrency?: number;
  /**
   * Redelivery delay after a handler throws. Default 1 s doubling per delivery, max 30 s. A
   * function that throws is reported to `onError` and the default delay applies. The older form
   * of `retry` (set one or the other); a consumer `backoff` takes precedence over both.
   */
  nakDelayMs?: NakDelay;
  /**
   * How a failed message is retried: the nak delay by delivery count (a schedule, or exponential
   * with jitter and a cap); permanent errors are not retried. Default: the consumer's `backoff`
   * if it has one, else `nakDelayMs`, else 1 s doubling per delivery up to 30 s.
   */
  retry?: RetryOptions;
  /**
   * Stores a message that failed for good (last delivery, or a permanent error) in a dead-letter
   * stream, then terms it. Default off: the last failed delivery is nak'ed (the server delivers
   * it no more; it stays in the stream) and a permanent error terms the message with its reason.
   * Part of the automatic settling: with `autoAck: false` the handler settles, and no message is
   * dead-lettered.
   */
  deadLetter?: boolean | DeadLetterOptions;
  /**
   * Sends `working()` while a handler runs, so that a slow handler is not redelivered behind its
   * back. Default on, every third of `ack_wait`; `false` turns it off.
   */
  keepAlive?: boolean | KeepAliveOptions;
  /**
   * The longest a handler may run for one message, in ms: past it the handler's `signal` aborts
   * and the message is retried as if the handler had thrown a `TimeoutError`. Default none.
   */
  timeoutMs?: number;
  /** Called with handler errors, settle failures and consume status problems. */
  onError?: (error: Error, ctx: ConsumeErrorContext) => void;
  /** Aborting stops the consume like `stop()`: no new deliveries, running handlers finish. */
  signal?: AbortSignal;
  /**
   * A Standard Schema (zod 4, valibot 1, arktype 2…) for the JSON body. Each message is decoded
   * and validated before the handler runs, which gets the typed value in `msg.value`. A body that
   * is not JSON (`DecodeError`) or that the schema refuses (`ValidationError` with `issues`) is
   * permanent: the handler does not run, the message is term'ed with the reason on its first
   * delivery (never nak'ed), and the error reaches `onError`. Default: none (no decoding).
   */
  schema?: StandardSchemaV1;
  /**
   * Reads the consumer's health (pending, ack pending, redelivered, waiting, last activity) while
   * the consume runs, as `consumer.health` operations the otel plugin turns into gauges: `true`
   * for the defaults (every 15 s) or `{ intervalMs }`. A failed reading goes to `onError`
   * (unless `health.onError`); the reader stops with the consume. Default: off.
   */
  health?: boolean | ConsumerHealthOptions;
}

/** Options of `watchConsumerHealth` (and the consume option `health`). */
export interface ConsumerHealthOptions {
  /** Time between two readings, in ms (each is one consumer info request). Default 15 000; at least 100. */
  intervalMs?: number;
  /** Called with a failed reading (the reader goes on at the next interval). */
  onError?: (error: Error) => void;
  /** Aborting stops the reader like `stop()`. */
  signal?: AbortSignal;
}

/** A running consumer health reader (`watchConsumerHealth`). */
export interface ConsumerHealthWatch {
  /** The latest reading, once one arrived. */
  readonly latest: ConsumerHealth | undefined;
  /** Reads now (one `consumer.health` operation), besides the interval's readings. */
  read(): Promise<ConsumerHealth>;
  /**
   * Stops reading. The stack is told (after any reading under way), so the gauges forget this
   * consumer; resolves once it was. Idempotent.
   */
  stop(): Promise<void>;
}

/** Options of `ConsumeContext.stop`. */
export interface StopOptions {
  /** Also abort the running handlers' `signal` (default false: they finish). */
  abort?: boolean;
}

/** Options of `ConsumeContext.drain`. */
export interface DrainOptions {
  /**
   * How long running handlers may take, in ms. Past it their `signal` aborts and `drain()` (and
   * `closed`) reject with a `TimeoutError`, without waiting for them any longer. Default 30 000.
   */
  timeoutMs?: number;
}

/** A running `consume`. */
export interface ConsumeContext {
  /**
   * Stops: no new deliveries; messages pulled but not yet handed to a handler are released (nak'ed
   * without delay) for the next run, or dead-lettered when on their last delivery with dead
   * letters on. Running handlers finish with their signal untouched, unless `abort: true`; so do
   * messages held on their last delivery until their dead letter is stored (`drain({ timeoutMs })`
   * bounds the wait).
   */
  stop(options?: StopOptions): void;
  /**
   * Stops, waits for running handlers and their acks to reach the server, then resolves as
   * `closed` does. Past `timeoutMs` (default 30 s) the handlers' signal aborts and it rejects with
   * a `TimeoutError`.
   */
  drain(options?: DrainOptions): Promise<void>;
  /**
   * Resolves when the consume ended by stop/drain and its handlers finished; rejects with the
   * reason otherwise: `NotFoundError` (consumer or stream deleted), `TimeoutError` (heartbeats
   * missed, or a drain deadline), `ConnectionError` (the connection closed while it ran or while
   * handlers were still running).
   */
  readonly closed: Promise<void>;
}

/** Options of `messages`. */
export interface MessagesOptions extends PullOptions {}

/** A pull iterator (Go: `MessagesContext`). */
export interface MessagesContext extends AsyncIterable<Msg> {
  /**
   * The next message; `null` once stopped or ended. Rejects with `NotFoundError` when the consumer
   * or stream is gone, with `TimeoutError` after `maxMissedHeartbeats` missed heartbeats, with
   * `ConnectionError` when the connection is closed under it.
   */
  next(): Promise<Msg | null>;
  /** Stops the iterator; later `next()` calls return `null`. */
  stop(): void;
  /** Resolves once stopped, or rejects with the reason it ended. */
  readonly closed: Promise<void>;
}

/** A consumer handle (Go: `jetstream.Consumer`). */
export interface Consumer {
  /** The consumer's real name (for an ordered consumer, the current one: it changes on reset). */
  readonly name: string;
  /** The name of the consumer's stream. */
  readonly stream: string;
  /** The configuration the server reported when the handle was made. */
  readonly config: Readonly<ClientConsumerConfig>;
  /** True for an ordered consumer. */
  readonly ordered: boolean;
  /** The client's consumer (escape hatch). */
  readonly raw: RawConsumer;
  /** Fresh consumer info from the server, with its paused state. */
  info(options?: CallOptions): Promise<ConsumerDetails>;
  /**
   * Pauses the consumer until `until` (a date in the future; nats-server 2.11+, else
   * `UnsupportedFeatureError` before any I/O): it delivers nothing meanwhile, and a running
   * `consume()` or `messages()` waits without errors, then goes on. Pausing again moves the date.
   */
  pause(until: Date, options?: CallOptions): Promise<PauseState>;
  /** Resumes a paused consumer now (nats-server 2.11+); resuming one that is not paused is a no-op. */
  resume(options?: CallOptions): Promise<PauseState>;
  /**
   * Unpins the client pinned in `group` (`pinned_client` policy, nats-server 2.11+): the server
   * pins the next client that pulls in that group.
   */
  unpin(group: string, options?: CallOptions): Promise<void>;
  /** Up to `batch` messages: resolves when the batch is complete or the request expired. */
  fetch(batch: number, options?: FetchOptions): Promise<Msg[]>;
  /** Messages up to `maxBytes` in total (at most 100 messages: the client's cap). */
  fetchBytes(maxBytes: number, options?: FetchOptions): Promise<Msg[]>;
  /** What is available now, up to `batch`; `[]` at once when nothing is. */
  fetchNoWait(batch: number, options?: CallOptions): Promise<Msg[]>;
  /**
   * Hands each message, JSON-decoded and validated by `options.schema`, to `handler` as a
   * `TypedMsg` whose `value` is the schema's output; see `ConsumeOptions.schema`.
   */
  consume<S extends StandardSchemaV1>(
    handler: TypedMsgHandler<InferOutput<S>>,
    options: ConsumeOptions & { schema: S },
  ): ConsumeContext;
  /** Hands each message to `handler`; see `ConsumeOptions`. */
  consume(handler: MsgHandler, options?: ConsumeOptions): ConsumeContext;
  /** A pull iterator. */
  messages(options?: MessagesOptions): MessagesContext;
}

/** Consumer management for one stream (Go: the consumer methods of `jetstream.Stream`). */
export interface StreamConsumers {
  /** The stream every call of this object works on. */
  readonly stream: string;
  /** The consumer's handle; `NotFoundError` when the stream or consumer does not exist. */
  get(name: string, options?: CallOptions): Promise<Consumer>;
  /** Creates the consumer, or updates it when a consumer of that name exists. */
  createOrUpdate(config: ConsumerConfig, options?: CallOptions): Promise<Consumer>;
  /** Creates an ordered consumer (ephemeral, reset by the client on a gap). */
  ordered(config?: OrderedConfig, options?: CallOptions): Promise<Consumer>;
  /** Deletes the consumer; `NotFoundError` when it does not exist. */
  delete(name: string, options?: CallOptions): Promise<void>;
  /** Every pull consumer of the stream (push consumers are left out). */
  list(options?: CallOptions): Promise<Consumer[]>;
}

/** Consumer management (Go: the consumer methods of `jetstream.JetStream`). */
export interface ConsumerManager {
  /** The consumer's handle (Go `Consumer`); `NotFoundError` when the stream or consumer does not exist. */
  get(stream: string, name: string, options?: CallOptions): Promise<Consumer>;
  /**
   * Creates the consumer, or updates it when a consumer of that name exists (Go
   * `CreateOrUpdateConsumer`). Without `durable_name`/`name` it creates an ephemeral consumer.
   */
  createOrUpdate(stream: string, config: ConsumerConfig, options?: CallOptions): Promise<Consumer>;
  /** Creates an ordered consumer (Go `OrderedConsumer`): ephemeral, reset by the client on a gap. */
  ordered(stream: string, config?: OrderedConfig, options?: CallOptions): Promise<Consumer>;
  /** Deletes the consumer (Go `DeleteConsumer`); `NotFoundError` when it does not exist. */
  delete(stream: string, name: string, options?: CallOptions): Promise<void>;
  /** Every pull consumer of the stream (push consumers are left out). */
  list(stream: string, options?: CallOptions): Promise<Consumer[]>;
  /** The same calls bound to one stream (Go: the consumer methods of `jetstream.Stream`). */
  forStream(stream: string): StreamConsumers;
}

/**
 * What the pull features (`fetch`, `consume`, `messages`, status following) need of a consumer:
 * the handle implements it, so they never import the handle. Not exported from the package.
 */
export interface PullTarget {
  /** The connection the consumer's operations run on. */
  readonly conn: Connection;
  /** The client's consumer. */
  readonly raw: RawConsumer;
  /** The consumer's stream. */
  readonly stream: string;
  /** The consumer's current name (an ordered consumer gets a new one on reset). */
  readonly name: string;
  /** True for an ordered consumer: no acks, and the client recreates its consumer. */
  readonly ordered: boolean;
  /** The consumer's config as the server reported it (its ack policy decides what is settled). */
  readonly config: Readonly<ClientConsumerConfig>;
}
