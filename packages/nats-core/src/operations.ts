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

/** Fields every operation has. */
export interface OperationBase {
  readonly client: ClientInfo;
  /** The caller's cancellation signal, if any. */
  readonly signal?: AbortSignal | undefined;
}

/** A message as a middleware sees it when it is received, processed or settled. */
export interface DeliveredMessage {
  readonly subject: string;
  readonly headers: MsgHdrs | undefined;
  readonly data: Uint8Array;
  readonly info: {
    readonly stream: string;
    readonly consumer: string;
    readonly streamSequence: number;
    readonly deliverySequence: number;
    readonly deliveryCount: number;
    readonly pending: number;
    /** When the message was stored, in milliseconds since the epoch. */
    readonly timestampMs: number;
  };
}

/** The server's acknowledgement of a JetStream publish. */
export interface PublishAck {
  readonly stream: string;
  readonly seq: number;
  readonly duplicate: boolean;
  readonly domain?: string;
}

/** Publishing one message to JetStream. Middlewares may change `headers` before the send. */
export interface PublishOperation extends OperationBase {
  readonly kind: "publish";
  readonly subject: string;
  /** Headers that will be sent; a fresh object the caller does not own, so it may be changed. */
  readonly headers: MsgHdrs;
  readonly payload: Uint8Array;
  /** The `Nats-Msg-Id` used for de-duplication, if any. */
  readonly msgID: string | undefined;
  /** True for `publishAsync`: `next()` settles when the ack arrives. */
  readonly async: boolean;
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
  readonly kind: StreamOperationKind;
  /** The stream name; empty for `stream.list`. */
  readonly stream: string;
  readonly subject?: string;
  readonly seq?: number;
}

/** Consumer management operations. */
export type ConsumerOperationKind =
  | "consumer.create"
  | "consumer.get"
  | "consumer.ordered"
  | "consumer.delete"
  | "consumer.list";

/** A consumer management operation. */
export interface ConsumerOperation extends OperationBase {
  readonly kind: ConsumerOperationKind;
  readonly stream: string;
  /** The consumer name, when known before the call (not for ephemeral or ordered creation). */
  consumer: string | undefined;
  readonly ordered: boolean;
}

/**
 * A problem a running `consume` or `messages()` iterator was told about: heartbeats missed, no
 * responders, the consumer or its stream gone. `next()` rejects with `error`, so a middleware
 * records it like any failed operation; `ends` says whether it ended the pull.
 */
export interface ConsumerStatusOperation extends OperationBase {
  readonly kind: "consumer.status";
  readonly stream: string;
  readonly consumer: string;
  /** The client's notification type, e.g. `"heartbeats_missed"` or `"consumer_deleted"`. */
  readonly status: string;
  readonly error: HelixError;
  /** True when the problem ended the consume or iterator (its `closed` rejects with `error`). */
  readonly ends: boolean;
}

/** How a `receive` pulls messages. */
export type ReceiveMode = "fetch" | "fetchBytes" | "fetchNoWait" | "next" | "consume";

/** One pull of messages: a fetch, a `next()` or one batch of `consume`. */
export interface ReceiveOperation extends OperationBase {
  readonly kind: "receive";
  readonly mode: ReceiveMode;
  readonly stream: string;
  readonly consumer: string;
  /** Batch size asked for (messages, or bytes for `fetchBytes`). */
  readonly batch: number;
  /** Filled after `next()` resolves: the messages received. */
  messages?: readonly DeliveredMessage[];
}

/** One message handed to user code. Middlewares may run `next` inside any async context. */
export interface ProcessOperation extends OperationBase {
  readonly kind: "process";
  readonly stream: string;
  readonly consumer: string;
  readonly message: DeliveredMessage;
}

/** How a message is settled. */
export type SettleAction = "ack" | "nak" | "term" | "working";

/** Settling one message. */
export interface SettleOperation extends OperationBase {
  readonly kind: "settle";
  readonly action: SettleAction;
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
  readonly kind: `kv.${KvOperationName}`;
  readonly bucket: string;
  readonly key?: string;
  /** The revision asked for (`getRevision`, `update`) or, after `next()`, the one written. */
  revision?: number;
}

/** A connection event (disconnect, reconnect, error…) passing through the stack. */
export interface ConnectionEventOperation extends OperationBase {
  readonly kind: "connection.event";
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
  ? O extends { kind: infer OK }
    ? K extends OK
      ? O
      : never
    : never
  : never;
