import {
  type Connection,
  type HelixError,
  isConnection,
  type PublishOperation,
  toHelixError,
  ValidationError,
} from "@helix/nats-core";
import { Semaphore, throwIfAborted } from "@helix/nats-core/internal";
import type { PublishData } from "./payload.js";
import { SendBatch } from "./publish-batch.js";
import { type PreparedMessage, prepareMessage } from "./publish-message.js";
import { type SendContext, StreamLookup, sendWithRetries } from "./publish-send.js";
import type {
  PubAck,
  PublishCompletion,
  Publisher,
  PublisherOptions,
  PublishFuture,
  PublishOptions,
} from "./publish-types.js";
import { type ResolvedPublisherOptions, resolvePublisherOptions } from "./publish-validation.js";

/**
 * Creates a publisher on `conn` (Go: `JetStream.Publish`, `PublishAsync`, `PublishAsyncPending`,
 * `PublishAsyncComplete`). Throws `ValidationError` for bad options.
 */
export function createPublisher(conn: Connection, options: PublisherOptions = {}): Publisher {
  if (!isConnection(conn)) {
    throw new ValidationError("conn", "createPublisher needs a Connection from connect()");
  }
  return new HelixPublisher(conn, resolvePublisherOptions(options));
}

class HelixPublisher implements Publisher {
  readonly maxPending: number;
  #conn: Connection;
  #settings: ResolvedPublisherOptions;
  #window: Semaphore;
  /** Where `publishAsync` first attempts wait to be sent together (one socket write). */
  #batch = new SendBatch();
  /** Whether a stream listens on a subject; one closure for every publish. */
  #streamExists: (subject: string) => Promise<boolean | undefined>;
  #inFlight = 0;
  #unregisterDrain: (() => void) | undefined;
  #drainWaiters: (() => void)[] = [];
  #acked = 0;
  #failed = 0;
  #firstError: HelixError | undefined;

  constructor(conn: Connection, settings: ResolvedPublisherOptions) {
    this.#conn = conn;
    this.#settings = settings;
    this.maxPending = settings.maxPending;
    this.#window = new Semaphore(settings.maxPending);
    const lookup = new StreamLookup(conn);
    this.#streamExists = (subject) => lookup.exists(subject);
  }

  get pending(): number {
    return this.#window.inUse;
  }

  publish(subject: string, data?: PublishData, options: PublishOptions = {}): Promise<PubAck> {
    // Not an async function: one promise layer less on the per-message path.
    let op: PublishOperation;
    try {
      const message = this.#prepare(subject, data, options);
      throwIfAborted(options.signal, "publish");
      op = this.#operation(message, options, false);
    } catch (err) {
      return Promise.reject(err);
    }
    this.#begin();
    const ctx = this.#context(options);
    let sending: Promise<PubAck>;
    try {
      sending = this.#conn.run(op, () => sendWithRetries(op, ctx));
    } catch (err) {
      sending = Promise.reject(err);
    }
    return sending.then(
      (ack) => {
        this.#end();
        return ack;
      },
      (err: unknown) => {
        this.#end();
        throw toHelixError(err, { operation: "publish" });
      },
    );
  }

  async publishAsync(
    subject: string,
    data?: PublishData,
    options: PublishOptions = {},
  ): Promise<PublishFuture> {
    const message = this.#prepare(subject, data, options);
    throwIfAborted(options.signal, "publishAsync");
    await this.#window.acquire(options.signal, "publishAsync");
    this.#begin();
    const op = this.#operation(message, options, true);
    // `queued`: the terminal queued the first attempt for the batch's next turn (without an
    // async middleware, synchronously within `run`). `wake` ends the wait below, if any.
    let queued = false;
    let settled = false;
    let wake: (() => void) | undefined;
    const onQueued = (): void => {
      queued = true;
      wake?.();
    };
    const ack = this.#conn
      .run(op, () => sendWithRetries(op, this.#context(options, onQueued)))
      .then(
        (value) => {
          settled = true;
          this.#settle(undefined, queued);
          wake?.();
          return value;
        },
        (err: unknown) => {
          settled = true;
          const error = toHelixError(err, { operation: "publishAsync" });
          this.#settle(error, queued);
          wake?.();
          throw error;
        },
      );
    // Marks the promise handled: ignoring a future never crashes the process with an unhandled
    // rejection; the failure still reaches whoever awaits `ack`, and `complete()` counts it.
    ack.catch(noop);
    if (!queued) {
      // An async middleware: wait until it reaches the terminal, or settles the publish first.
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      // Settled before it was queued (a middleware failed or answered by itself): a failure
      // then rejects publishAsync itself.
      if (!queued && settled) await ack;
    }
    return { subject: op.subject, msgID: op.msgID, ack };
  }

  async complete(): Promise<PublishCompletion> {
    await this.#window.whenIdle();
    const result = { acked: this.#acked, failed: this.#failed, firstError: this.#firstError };
    this.#acked = 0;
    this.#failed = 0;
    this.#firstError = undefined;
    return result;
  }

  #prepare(subject: string, data: PublishData, options: PublishOptions): PreparedMessage {
    return prepareMessage(subject, data, options ?? {}, {
      maxPayload: this.#conn.nats.info?.max_payload,
      generateMsgID: this.#settings.retry.attempts > 1,
    });
  }

  #operation(message: PreparedMessage, options: PublishOptions, async: boolean): PublishOperation {
    return {
      kind: "publish",
      client: this.#conn.client,
      signal: options.signal,
      subject: message.subject,
      headers: message.headers,
      payload: message.payload,
      msgID: message.msgID,
      async,
      attempt: 1,
    };
  }

  #context(options: PublishOptions, onQueued?: () => void): SendContext {
    return {
      conn: this.#conn,
      retry: this.#settings.retry,
      timeoutMs: options.timeoutMs ?? this.#settings.timeoutMs,
      signal: options.signal,
      streamExists: this.#streamExists,
      batch: this.#batch,
      onQueued,
    };
  }

  #settle(error: HelixError | undefined, queued: boolean): void {
    this.#window.release();
    this.#end();
    if (error === undefined) this.#acked++;
    else if (queued) {
      // (a failure before the message was queued rejected publishAsync itself: not counted here)
      this.#failed++;
      this.#firstError ??= error;
    }
  }

  /** In-flight work (sync and async) is registered with the connection's drain only while some exists. */
  #begin(): void {
    this.#inFlight++;
    if (this.#inFlight === 1) {
      this.#unregisterDrain = this.#conn.onDrain(() => this.#whenNothingInFlight());
    }
  }

  #end(): void {
    this.#inFlight--;
    if (this.#inFlight > 0) return;
    this.#unregisterDrain?.();
    this.#unregisterDrain = undefined;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #whenNothingInFlight(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }
}

function noop(): void {}
