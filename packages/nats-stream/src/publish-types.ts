import type { HeadersInit, HelixError, PublishAck } from "@helix/nats-core";
import type { PublishData } from "./payload.js";

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
export interface PublishOptions {
  /** Headers to send; copied, never mutated. */
  headers?: HeadersInit;
  /** The `Nats-Msg-Id` for de-duplication. Generated when retries are on and none is given. */
  msgID?: string;
  /** Server-side checks; a failed one is not retried (`WrongRevisionError` for a wrong sequence). */
  expect?: PublishExpectations;
  /** How long one attempt waits for the ack, in ms. Default: the connection's JetStream timeout. */
  timeoutMs?: number;
  /**
   * Cancels waiting (for a window slot, the ack or a retry). A queued `publishAsync` message is
   * then not sent; one already sent may still be stored.
   */
  signal?: AbortSignal;
}

/** How transient failures are retried. */
export interface RetryOptions {
  /** Total tries, the first included. `1` turns retries off. Default 4. */
  attempts?: number;
  /** Delay before the first retry, in ms; doubles on each retry. Default 250. */
  initialDelayMs?: number;
  /** Upper bound of the delay, in ms. Default 2000. */
  maxDelayMs?: number;
  /** Called before each retry with the error and the attempt that failed (from 1). */
  onRetry?: (error: HelixError, attempt: number) => void;
}

/** Options of `createPublisher`. */
export interface PublisherOptions {
  /** Most `publishAsync` messages awaiting their ack at once. Default 4000 (as nats.go). */
  maxPending?: number;
  /** Retry policy, or `false` for no retries (and no generated message IDs). */
  retry?: RetryOptions | false;
  /** Default per-attempt ack timeout in ms. Default: the connection's JetStream timeout. */
  timeoutMs?: number;
}

/** What `publishAsync` resolves to once the message is queued to be sent. */
export interface PublishFuture {
  /** The subject the message was published to. */
  readonly subject: string;
  /** The `Nats-Msg-Id` sent, if any. */
  readonly msgID: string | undefined;
  /**
   * Settles with the ack or the typed error. Never an unhandled rejection if ignored: the
   * failure is still counted by `complete()`.
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
  /** Publishes and waits for the ack, retrying transient failures. */
  publish(subject: string, data?: PublishData, options?: PublishOptions): Promise<PubAck>;
  /**
   * Queues a message without waiting for the ack; waits only while `maxPending` acks are
   * outstanding. Resolves once the message is queued (validated, middleware passed up to the
   * send); the messages queued in one tick are handed to the client together at the next
   * macrotask, in call order, so they leave in one socket write. Rejects only if the publish
   * failed before it was queued (validation, cancellation, a middleware failing or answering
   * before the send); later failures, a closed connection included, settle `future.ack` and
   * are counted by `complete()`.
   */
  publishAsync(
    subject: string,
    data?: PublishData,
    options?: PublishOptions,
  ): Promise<PublishFuture>;
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
