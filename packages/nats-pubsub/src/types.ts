import type { CallOptions, HeadersInit, Payload } from "@helix/nats-core";
import type { MsgHdrs } from "@nats-io/transport-node";

/** A core NATS message handed to a handler, or the reply of a `request`. */
export interface PubSubMsg {
  /** The subject it was published to. */
  readonly subject: string;
  /** The subject to answer to (a request's inbox), or `undefined`. */
  readonly reply: string | undefined;
  /** Its headers, or `undefined` when it has none. Read them with core's `getHeader` (any casing). */
  readonly headers: MsgHdrs | undefined;
  /** The payload bytes. */
  readonly data: Uint8Array;
  /** The payload as UTF-8 text. */
  string(): string;
  /** The payload parsed as JSON. Throws `DecodeError` when it is not JSON. */
  json<T = unknown>(): T;
}

/** What a handler gets besides the message. */
export interface HandlerContext {
  /**
   * Aborts when the handler's work is abandoned: `stop({ abort: true })`, a drain deadline, or the
   * connection closed under it. A plain `stop()` or `drain()` leaves it alone.
   */
  readonly signal: AbortSignal;
}

/** A subscriber's handler. A throw (or rejection) is reported to `onError`; the subscription goes on. */
export type MsgHandler = (msg: PubSubMsg, ctx: HandlerContext) => void | Promise<void>;

/**
 * A reply handler: what it returns (a `Uint8Array`, a string, or a JSON value; `undefined` for an
 * empty body) is the response. A throw becomes an error response (see `ServiceError`).
 */
export type ReplyHandler = (msg: PubSubMsg, ctx: HandlerContext) => unknown;

/** Options of `publish`. */
export interface PublishOptions {
  /** Headers to send (copied: the caller's object is never changed). */
  headers?: HeadersInit | undefined;
}

/** What a failed handler reports, beside the error. */
export interface ErrorInfo {
  /** The message whose handler failed; absent for a failure of the subscription itself. */
  readonly msg?: PubSubMsg;
}

/** Options shared by `subscribe` and `reply`. */
export interface HandlerOptions {
  /** A queue group: each message goes to one member of the group. Default: none. */
  queue?: string | undefined;
  /** How many handlers run at once (default 1: one after the other, in order). */
  concurrency?: number | undefined;
  /** Stops the subscription (as `stop()`) when it aborts. */
  signal?: AbortSignal | undefined;
  /**
   * Told about every handler that threw (with the message) and every failure of the
   * subscription. A throwing callback is ignored.
   */
  onError?: ((err: Error, info: ErrorInfo) => void) | undefined;
}

/** Options of `subscribe`. */
export interface SubscribeOptions extends HandlerOptions {
  /** Ends the subscription after this many messages (the server stops sending). Default: no limit. */
  maxMessages?: number | undefined;
}

/** Options of `reply`. */
export interface ReplyOptions extends HandlerOptions {}

/** Retrying a request that found no responder (the service is starting, say). */
export interface RequestRetryOptions {
  /** Attempts in all, the first included (at least 1). */
  attempts: number;
  /** Wait between attempts, in milliseconds (default 100). */
  delayMs?: number | undefined;
}

/** Options of `request`. */
export interface RequestOptions extends CallOptions {
  /** How long to wait for the reply, in milliseconds (default 5000). */
  timeoutMs?: number | undefined;
  /** Headers to send (copied: the caller's object is never changed). */
  headers?: HeadersInit | undefined;
  /**
   * Retries on no responders only (nothing was processed, so a retry cannot duplicate work).
   * A timeout is never retried: the service may have done the work. Default: no retry.
   */
  retry?: RequestRetryOptions | undefined;
}

/** Options of `Subscription.stop`. */
export interface StopOptions {
  /** Also aborts the running handlers' signal (default `false`: they finish). */
  abort?: boolean | undefined;
}

/** Options of `Subscription.drain`. */
export interface DrainOptions {
  /** Past this (default 30 s), the handlers' signal aborts and `drain()` rejects with `TimeoutError`. */
  timeoutMs?: number | undefined;
}

/** A running `subscribe` or `reply`: ends like a consume (`stop`, `drain`, `closed`). */
export interface Subscription {
  /** The subject (or wildcard pattern) listened on. */
  readonly subject: string;
  /** The queue group, if any. */
  readonly queue: string | undefined;
  /**
   * Unsubscribes at once: no new messages; messages the client received but had not yet handed
   * to a handler are dropped (core NATS does not redeliver: use `drain()` to handle them).
   * Running handlers finish with their signal untouched, unless `abort: true`.
   */
  stop(options?: StopOptions): void;
  /**
   * Unsubscribes after every message the server already sent is handled, waits for the running
   * handlers (and a reply handler's responses), then resolves as `closed` does. Past `timeoutMs`
   * (default 30 s) the handlers' signal aborts and it rejects with `TimeoutError`.
   */
  drain(options?: DrainOptions): Promise<void>;
  /**
   * Resolves once the subscription ended (stop, drain, `maxMessages`) and its handlers finished;
   * rejects with `ConnectionError` when the connection closed under it, `PermissionError` when
   * the server refused it, `TimeoutError` after a drain deadline.
   */
  readonly closed: Promise<void>;
}

/**
 * Core NATS through the middleware stack: every publish, request and handler call is an
 * operation (`core.publish`, `core.request`, `core.process`) that plugins see.
 */
export interface PubSub {
  /**
   * Publishes one message, fire and forget: resolves once the client has it (not when anyone
   * received it). A `ValidationError` for a bad subject or payload, before any I/O.
   */
  publish(subject: string, data?: Payload, options?: PublishOptions): Promise<void>;
  /** Resolves once the server has every message published so far (a round trip). */
  flush(): Promise<void>;
  /** Calls `handler` for each message on `subject` (wildcards allowed), at most `concurrency` at once. */
  subscribe(subject: string, handler: MsgHandler, options?: SubscribeOptions): Subscription;
  /**
   * Sends a request and resolves with the reply. Rejects with `NoRespondersError` when nobody
   * listens, `TimeoutError` when no reply came in `timeoutMs` (a late reply is dropped),
   * `ServiceError` when the responder answered with an error, `CancelledError` on `signal`.
   */
  request(subject: string, data?: Payload, options?: RequestOptions): Promise<PubSubMsg>;
  /** Answers requests on `subject` with what `handler` returns, or an error response when it throws. */
  reply(subject: string, handler: ReplyHandler, options?: ReplyOptions): Subscription;
}
