import type { MsgHdrs } from "@nats-io/transport-node";
import type { HelixError } from "./errors.js";
import type { ConnectionEvent } from "./events.js";

/**
 * Facts about the connection an operation runs on, shared by every operation of that connection
 * (one object per connection, so carrying it costs a pointer). Never holds credentials.
 */
export interface ClientInfo {
  /** The connection name (`messaging.client.id`). */
  readonly name: string;
  /** Host of the server currently connected to, or `undefined` while disconnected. */
  readonly serverAddress: string | undefined;
  /** Port of the server currently connected to. */
  readonly serverPort: number | undefined;
}

/**
 * Options every call of every package takes (a stream, consumer or key-value call), the
 * TypeScript form of Go's `ctx` for cancellation.
 */
export interface CallOptions {
  /**
   * Stops waiting for the server: the call rejects with `CancelledError`. A request already sent
   * may still be applied by the server (a write may be stored).
   */
  signal?: AbortSignal | undefined;
}

/** Fields every operation has. */
export interface OperationBase {
  /** The connection the operation runs on: name and server, never credentials. */
  readonly client: ClientInfo;
  /** The caller's cancellation signal, if any. */
  readonly signal?: AbortSignal | undefined;
}

/** A message as a middleware sees it when it is received, processed or settled. */
export interface DeliveredMessage {
  /** The subject the message was published to. */
  readonly subject: string;
  /** The message headers, or `undefined` when it has none. */
  readonly headers: MsgHdrs | undefined;
  /** The payload bytes. */
  readonly data: Uint8Array;
  /** Delivery facts, parsed from the message's reply subject. */
  readonly info: {
    /** The stream that stored the message. */
    readonly stream: string;
    /** The consumer that delivered it. */
    readonly consumer: string;
    /** Its sequence in the stream. */
    readonly streamSequence: number;
    /** Its sequence among the consumer's deliveries. */
    readonly deliverySequence: number;
    /** How many times it was delivered, from 1. */
    readonly deliveryCount: number;
    /** Messages still pending for the consumer after this one. */
    readonly pending: number;
    /** When the message was stored, in milliseconds since the epoch. */
    readonly timestampMs: number;
  };
}

/** The server's acknowledgement of a JetStream publish. */
export interface PublishAck {
  /** The stream that stored the message. */
  readonly stream: string;
  /** Its sequence in the stream. */
  readonly seq: number;
  /** True when the stream already had a message with this `Nats-Msg-Id` (not stored again). */
  readonly duplicate: boolean;
  /** The JetStream domain, when the server reported one. */
  readonly domain?: string;
}

/** Publishing one message to JetStream. Middlewares may change `headers` before the send. */
export interface PublishOperation extends OperationBase {
  /** Always `"publish"`. */
  readonly kind: "publish";
  /** The subject published to. */
  readonly subject: string;
  /** Headers that will be sent; a fresh object the caller does not own, so it may be changed. */
  readonly headers: MsgHdrs;
  /** The encoded payload. */
  readonly payload: Uint8Array;
  /** The `Nats-Msg-Id` used for de-duplication, if any. */
  readonly msgID: string | undefined;
  /** True for `publishAsync`: `next()` settles when the ack arrives. */
  readonly async: boolean;
  /**
   * The message's time to live (nats-server 2.11+), sent as the `Nats-TTL` header: milliseconds
   * (whole seconds, at least 1000), or `"never"` (the message never expires, whatever the
   * stream's `max_age`). `undefined` when the publish set none.
   */
  readonly ttlMs?: number | "never" | undefined;
  /**
   * For a counter increment (nats-server 2.12+, a stream with `allow_msg_counter`): the amount
   * added, as the decimal integer sent in the `Nats-Incr` header (`"5"`, `"-2"`; it may exceed
   * a safe JavaScript number). `undefined` for an ordinary publish.
   */
  readonly increment?: string | undefined;
  /** For a counter increment: the counter's new total (decimal), filled once the server acknowledged. */
  counterTotal?: string;
  /**
   * For a scheduled message (`publisher.schedule`, nats-server 2.12+, a stream with
   * `allow_msg_schedules`): the `Nats-Schedule` header sent, e.g. `"@at 2026-01-01T00:00:00Z"`,
   * `"@every 5s"` or a cron expression. `undefined` for an ordinary publish.
   */
  readonly schedule?: string | undefined;
  /** For a scheduled message: the subject it is delivered to when it fires (`Nats-Schedule-Target`). */
  readonly scheduleTarget?: string | undefined;
  /** Attempt number, from 1; greater on retries of a transient failure. */
  attempt: number;
  /** Filled once the server acknowledged. */
  ack?: PublishAck;
}

/** One message of an atomic batch, as a middleware sees it before the batch is sent. */
export interface BatchMessage {
  /** The subject the message is published to. */
  readonly subject: string;
  /** Headers that will be sent; a fresh object the caller does not own, so it may be changed. */
  readonly headers: MsgHdrs;
  /** The encoded payload. */
  readonly payload: Uint8Array;
  /** The `Nats-Msg-Id`, if any. */
  readonly msgID: string | undefined;
}

/** The server's acknowledgement of a committed atomic batch. */
export interface PublishBatchAck extends PublishAck {
  /** The batch's id (`Nats-Batch-Id`). */
  readonly batchId: string;
  /** How many messages the server stored (all of them). */
  readonly count: number;
}

/**
 * Publishing an atomic batch (`publisher.batch()`, nats-server 2.12+, a stream with
 * `allow_atomic`): every message is stored, or none; one ack for the batch. Middlewares may change
 * each message's `headers` before the send.
 */
export interface PublishBatchOperation extends OperationBase {
  /** Always `"publish.batch"`. */
  readonly kind: "publish.batch";
  /** The batch's id, sent as `Nats-Batch-Id` on every message. */
  readonly batchId: string;
  /** The messages, in order (at least one). */
  readonly messages: readonly BatchMessage[];
  /** Filled once the server committed the batch. */
  ack?: PublishBatchAck;
}

/** Stream management and stream message operations. */
export type StreamOperationKind =
  | "stream.create"
  | "stream.update"
  | "stream.get"
  | "stream.delete"
  | "stream.list"
  | "stream.info"
  | "stream.purge"
  | "stream.getMsg"
  | "stream.getBatch"
  | "stream.getLastMsgForSubject"
  | "stream.deleteMsg"
  | "stream.secureDeleteMsg";

/** A stream management or stream message operation. */
export interface StreamOperation extends OperationBase {
  /** Which stream call this is. */
  readonly kind: StreamOperationKind;
  /** The stream name; empty for `stream.list`. */
  readonly stream: string;
  /** The subject of `getLastMsgForSubject`, a `getMsg`/`getBatch` subject or a `list`/`purge` filter. */
  readonly subject?: string;
  /** The sequence of `getMsg`, `deleteMsg`, `secureDeleteMsg`, the first of a `getBatch`, or of a `purge` below it. */
  readonly seq?: number;
  /** For `getBatch`: how many messages it returned (filled once done). */
  count?: number;
}

/** Consumer management operations. */
export type ConsumerOperationKind =
  | "consumer.create"
  | "consumer.get"
  | "consumer.ordered"
  | "consumer.delete"
  | "consumer.list"
  | "consumer.pause"
  | "consumer.resume"
  | "consumer.unpin";

/** A consumer management operation. */
export interface ConsumerOperation extends OperationBase {
  /** Which consumer call this is. */
  readonly kind: ConsumerOperationKind;
  /** The consumer's stream. */
  readonly stream: string;
  /** The consumer name, when known before the call (not for ephemeral or ordered creation). */
  consumer: string | undefined;
  /** True for an ordered consumer. */
  readonly ordered: boolean;
  /** For `consumer.pause` (and a `consumer.create` that starts paused): when the pause ends. */
  readonly pauseUntil?: Date;
  /** For `consumer.unpin`: the priority group. */
  readonly group?: string;
}

/**
 * A problem a running `consume` or `messages()` iterator was told about: heartbeats missed, no
 * responders, the consumer or its stream gone. `next()` rejects with `error`, so a middleware
 * records it like any failed operation; `ends` says whether it ended the pull.
 */
export interface ConsumerStatusOperation extends OperationBase {
  /** Always `"consumer.status"`. */
  readonly kind: "consumer.status";
  /** The consumer's stream. */
  readonly stream: string;
  /** The consumer's name. */
  readonly consumer: string;
  /** The client's notification type, e.g. `"heartbeats_missed"` or `"consumer_deleted"`. */
  readonly status: string;
  /** The problem as a typed error (`TimeoutError`, `NotFoundError`…). */
  readonly error: HelixError;
  /** True when the problem ended the consume or iterator (its `closed` rejects with `error`). */
  readonly ends: boolean;
}

/** A consumer's backlog and activity, as one reading of its info reports them. */
export interface ConsumerHealth {
  /** Messages in the stream the consumer has not delivered yet (`num_pending`). */
  readonly pending: number;
  /** Messages delivered and waiting for an ack (`num_ack_pending`). */
  readonly ackPending: number;
  /** Messages delivered more than once and not yet acked (`num_redelivered`). */
  readonly redelivered: number;
  /** Pull requests waiting at the server (`num_waiting`). */
  readonly waiting: number;
  /**
   * When the consumer last delivered or had a message acked, in milliseconds since the epoch
   * (the later of `delivered.last_active` and `ack_floor.last_active`); `undefined` before any
   * activity, or on a server that does not report it.
   */
  readonly lastActiveMs: number | undefined;
  /** When the reading was taken, in milliseconds since the epoch. */
  readonly readAtMs: number;
}

/**
 * A consumer health reader at work (`watchConsumerHealth`, or `consume(..., { health })`):
 * `read` is one reading of the consumer's info, with `health` filled once `next()` resolved;
 * `stop` (no I/O) says the reader stopped, so that what holds its latest reading forgets it.
 */
export interface ConsumerHealthOperation extends OperationBase {
  /** Always `"consumer.health"`. */
  readonly kind: "consumer.health";
  /** `read` (one reading) or `stop` (the reader stopped). */
  readonly phase: "read" | "stop";
  /** The consumer's stream. */
  readonly stream: string;
  /** The consumer's name. */
  readonly consumer: string;
  /** For `read`: filled once the reading arrived. */
  health?: ConsumerHealth;
}

/** How a `receive` pulls messages. */
export type ReceiveMode = "fetch" | "fetchBytes" | "fetchNoWait" | "next" | "consume";

/** One pull of messages: a fetch, a `next()` or one batch of `consume`. */
export interface ReceiveOperation extends OperationBase {
  /** Always `"receive"`. */
  readonly kind: "receive";
  /** Which call pulled: `fetch`, `fetchBytes`, `fetchNoWait`, `next` or `consume`. */
  readonly mode: ReceiveMode;
  /** The consumer's stream. */
  readonly stream: string;
  /** The consumer's name. */
  readonly consumer: string;
  /** Batch size asked for (messages, or bytes for `fetchBytes`). */
  readonly batch: number;
  /** Filled after `next()` resolves: the messages received. */
  messages?: readonly DeliveredMessage[];
}

/** One message handed to user code. Middlewares may run `next` inside any async context. */
export interface ProcessOperation extends OperationBase {
  /** Always `"process"`. */
  readonly kind: "process";
  /** The consumer's stream. */
  readonly stream: string;
  /** The consumer's name. */
  readonly consumer: string;
  /** The message handed to the handler. */
  readonly message: DeliveredMessage;
}

/** How a message is settled. */
export type SettleAction = "ack" | "nak" | "term" | "working";

/** Settling one message. */
export interface SettleOperation extends OperationBase {
  /** Always `"settle"`. */
  readonly kind: "settle";
  /** `ack`, `nak`, `term` or `working`. */
  readonly action: SettleAction;
  /** The message being settled. */
  readonly message: DeliveredMessage;
  /**
   * The consumer that delivered the message, when the caller knows it without parsing the
   * message's reply subject (a consume, fetch or `messages()` of a durable or named consumer);
   * otherwise `undefined`, and `message.info.consumer` says it.
   */
  readonly consumer?: string | undefined;
  /** For `nak`: the redelivery delay. */
  readonly delayMs?: number;
  /** For `term`: the reason given. */
  readonly reason?: string;
}

/** The dead-letter calls: storing one (`deadletter`) and the dead-letter API (`deadletter.*`). */
export type DeadLetterOperationKind =
  | "deadletter"
  | "deadletter.list"
  | "deadletter.replay"
  | "deadletter.purge";

/**
 * Storing a message that failed for good in a dead-letter stream (`deadletter`), before the
 * original is term'ed; or a call of the dead-letter API: `list`, `replay` (publishes a dead
 * letter to its original subject again), `purge`.
 */
export interface DeadLetterOperation extends OperationBase {
  /** Which dead-letter call this is. */
  readonly kind: DeadLetterOperationKind;
  /** The dead-letter stream (the operation's destination). */
  readonly stream: string;
  /** For `deadletter`: the consumer whose handler failed. */
  readonly consumer?: string;
  /**
   * For `deadletter`: the message that failed (its headers carry the producer's trace context).
   * For `deadletter.replay` of one dead letter: that dead letter.
   */
  readonly message?: DeliveredMessage;
  /** For `deadletter`: why it is dead-lettered, `"max_deliver"` (its last delivery failed) or `"permanent"` (an error that is not retryable). */
  readonly reason?: "max_deliver" | "permanent";
  /** For `deadletter`: the `error.type` of the handler's failure (the error's code or class). */
  readonly errorType?: string;
  /** For `deadletter`: the subject it is stored under in the dead-letter stream. */
  readonly subject?: string;
  /** The dead-letter sequence (filled once stored, for `deadletter`), or the one replayed. */
  seq?: number;
  /** For `list`, `replay` and `purge`: how many dead letters the call returned, replayed or purged (filled once done). */
  count?: number;
}

/**
 * A core NATS message (no JetStream) as a middleware sees it when it is handed to a subscribe or
 * reply handler, or comes back as the answer of a request.
 */
export interface CoreMessage {
  /** The subject the message was published to. */
  readonly subject: string;
  /** The subject to answer to (a request's inbox), or `undefined` when none was given. */
  readonly reply: string | undefined;
  /** The message headers, or `undefined` when it has none. */
  readonly headers: MsgHdrs | undefined;
  /** The payload bytes. */
  readonly data: Uint8Array;
}

/**
 * Publishing one core NATS message (`@helix/nats-pubsub`: `publish`, and a reply handler's
 * response). Fire and forget: `next()` settles once the client has the message, not when a
 * server stored it. Middlewares may change `headers` before the send.
 */
export interface CorePublishOperation extends OperationBase {
  /** Always `"core.publish"`. */
  readonly kind: "core.publish";
  /** The subject published to. */
  readonly subject: string;
  /** Headers that will be sent; a fresh object the caller does not own, so it may be changed. */
  readonly headers: MsgHdrs;
  /** The encoded payload. */
  readonly payload: Uint8Array;
  /**
   * True when the subject is a reply inbox (the response of a reply handler, or a publish to an
   * `_INBOX.` subject): a destination that lives only as long as one request.
   */
  readonly temporary: boolean;
}

/**
 * A core NATS request (`@helix/nats-pubsub`'s `request`): the message is sent, and `next()`
 * settles when the reply arrives (or the request fails: no responders, timeout, error response).
 * Middlewares may change `headers` before the send.
 */
export interface CoreRequestOperation extends OperationBase {
  /** Always `"core.request"`. */
  readonly kind: "core.request";
  /** The subject the request is sent to. */
  readonly subject: string;
  /** Headers that will be sent; a fresh object the caller does not own, so it may be changed. */
  readonly headers: MsgHdrs;
  /** The encoded payload. */
  readonly payload: Uint8Array;
  /** How long the request waits for its reply, in milliseconds. */
  readonly timeoutMs: number;
  /** Attempt number, from 1; greater when the caller asked for retries on no responders. */
  attempt: number;
  /** Filled once the reply arrived. */
  response?: CoreMessage;
}

/** Which kind of core NATS handler a `core.process` runs: a subscriber's or a reply handler's. */
export type CoreProcessMode = "subscribe" | "reply";

/**
 * One core NATS message handed to a subscribe or reply handler (`@helix/nats-pubsub`). For a
 * reply handler, `next()` settles once the response was sent. Middlewares may run `next` inside
 * any async context (the sender's trace context, say).
 */
export interface CoreProcessOperation extends OperationBase {
  /** Always `"core.process"`. */
  readonly kind: "core.process";
  /** `subscribe` or `reply`. */
  readonly mode: CoreProcessMode;
  /** The subject (or wildcard pattern) the subscription listens on. */
  readonly subscription: string;
  /** The queue group the subscription belongs to, if any. */
  readonly queue: string | undefined;
  /** The message handed to the handler. */
  readonly message: CoreMessage;
}

/** Key-value operations. */
export type KvOperationName =
  | "bucket.create"
  | "bucket.get"
  | "bucket.delete"
  | "bucket.list"
  | "bucket"
  | "get"
  | "getRevision"
  | "create"
  | "put"
  | "update"
  | "delete"
  | "purge"
  | "purgeDeletes"
  | "watch"
  | "watchAll"
  | "keys"
  | "history"
  | "status";

/** A key-value operation. */
export interface KvOperation extends OperationBase {
  /** `kv.` followed by the operation name, e.g. `kv.put`. */
  readonly kind: `kv.${KvOperationName}`;
  /** The bucket; empty for `kv.bucket.list`. */
  readonly bucket: string;
  /** The key, for operations on one key. */
  readonly key?: string;
  /** The revision asked for (`getRevision`, `update`) or, after `next()`, the one written. */
  revision?: number;
  /**
   * The time to live the write gave its entry (nats-server 2.11+, a bucket created with
   * `limitMarkerTtlMs`), sent as the `Nats-TTL` header: for `kv.create`/`kv.put` the key's
   * value, for `kv.purge` the purge marker. Milliseconds (whole seconds, at least 1000), or
   * `"never"` (kept whatever the bucket's `ttlMs`). `undefined` when the write set none.
   */
  readonly ttlMs?: number | "never" | undefined;
}

/** A connection event (disconnect, reconnect, error…) passing through the stack. */
export interface ConnectionEventOperation extends OperationBase {
  /** Always `"connection.event"`. */
  readonly kind: "connection.event";
  /** The event. */
  readonly event: ConnectionEvent;
}

/** Every operation the helix-nats packages run through the middleware stack. */
export type Operation =
  | PublishOperation
  | PublishBatchOperation
  | StreamOperation
  | ConsumerOperation
  | ConsumerStatusOperation
  | ConsumerHealthOperation
  | ReceiveOperation
  | ProcessOperation
  | SettleOperation
  | CorePublishOperation
  | CoreRequestOperation
  | CoreProcessOperation
  | DeadLetterOperation
  | KvOperation
  | ConnectionEventOperation;

/** The discriminant of `Operation`. */
export type OperationKind = Operation["kind"];

/**
 * The member of `Operation` that a `kind` belongs to, e.g. `OperationOf<"kv.put">` is
 * `KvOperation`. Unlike `Extract`, it also finds members whose `kind` is a union of names.
 */
export type OperationOf<K extends OperationKind> = Operation extends infer O
  ? O extends {
      /** The operation kinds of member `O`. */
      kind: infer OK;
    }
    ? K extends OK
      ? O
      : never
    : never
  : never;
