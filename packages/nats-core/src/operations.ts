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
  /** Attempt number, from 1; greater on retries of a transient failure. */
  attempt: number;
  /** Filled once the server acknowledged. */
  ack?: PublishAck;
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
  | "stream.getLastMsgForSubject"
  | "stream.deleteMsg"
  | "stream.secureDeleteMsg";

/** A stream management or stream message operation. */
export interface StreamOperation extends OperationBase {
  /** Which stream call this is. */
  readonly kind: StreamOperationKind;
  /** The stream name; empty for `stream.list`. */
  readonly stream: string;
  /** The subject of `getLastMsgForSubject`, a `getMsg` subject or a `list`/`purge` filter. */
  readonly subject?: string;
  /** The sequence of `getMsg`, `deleteMsg`, `secureDeleteMsg`, or of a `purge` below it. */
  readonly seq?: number;
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
  /** For `nak`: the redelivery delay. */
  readonly delayMs?: number;
  /** For `term`: the reason given. */
  readonly reason?: string;
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
  | StreamOperation
  | ConsumerOperation
  | ConsumerStatusOperation
  | ReceiveOperation
  | ProcessOperation
  | SettleOperation
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
