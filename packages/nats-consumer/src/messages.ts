import type { HelixError, ReceiveOperation } from "@helix/nats-core";
import type { ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import { closedUnderError, type PullErrorContext, toPullError } from "./consumer-errors.js";
import type { ConsumerHandle } from "./consumer-handle.js";
import { assertPullOptions } from "./consumer-validation.js";
import { HelixMsg, type Msg } from "./msg.js";
import { toClientConsumeOptions } from "./pull-options.js";
import { followStatus } from "./status-problems.js";
import type { MessagesContext, MessagesOptions } from "./types.js";

/** Validates, then makes a pull iterator; the client's consume starts on the first `next()`. */
export function startMessages(handle: ConsumerHandle, options: MessagesOptions): MessagesContext {
  assertPullOptions(options);
  return new MessagesIterator(handle, options);
}

interface Started {
  messages: ConsumerMessages;
  iterator: AsyncIterator<JsMsg>;
}

/**
 * Go's `MessagesContext`, without its crash: `next()` after `stop()` returns `null`. Each `next()`
 * is a `receive` operation (mode `next`). Messages the client had buffered when `stop()` came are
 * not handed out; the server redelivers them after the ack wait.
 */
class MessagesIterator implements MessagesContext {
  readonly closed: Promise<void>;
  readonly #handle: ConsumerHandle;
  readonly #options: MessagesOptions;
  #started: Promise<Started> | undefined;
  #stopped = false;
  #failure: HelixError | undefined;
  #settleClosed!: (err?: HelixError) => void;
  #unregisterDrain: (() => void) | undefined;

  constructor(handle: ConsumerHandle, options: MessagesOptions) {
    this.#handle = handle;
    this.#options = options;
    this.closed = new Promise<void>((resolve, reject) => {
      this.#settleClosed = (err) => (err ? reject(err) : resolve());
    });
    this.closed.catch(() => {});
  }

  get #context(): PullErrorContext {
    return { stream: this.#handle.stream, consumer: this.#handle.name, operation: "next" };
  }

  next(): Promise<Msg | null> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#stopped) return Promise.resolve(null);
    const op: ReceiveOperation = {
      kind: "receive",
      client: this.#handle.conn.client,
      mode: "next",
      stream: this.#handle.stream,
      consumer: this.#handle.name,
      batch: 1,
    };
    return this.#handle.conn.run(op, async () => {
      const msg = await this.#read();
      op.messages = msg ? [msg.delivered] : [];
      return msg;
    });
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (!this.#started) {
      this.#settleClosed(this.#failure);
      return;
    }
    void this.#started
      .then(async ({ messages, iterator }) => {
        messages.stop();
        // Let the client's iterator run to its end; buffered messages are dropped unsettled.
        for (;;) {
          const r = await iterator.next();
          if (r.done) break;
        }
      })
      .catch(() => {})
      .finally(() => {
        this.#unregisterDrain?.();
        this.#settleClosed(this.#failure);
      });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Msg> {
    try {
      for (;;) {
        const msg = await this.next();
        if (msg === null) return;
        yield msg;
      }
    } finally {
      this.stop();
    }
  }

  async #read(): Promise<HelixMsg | null> {
    let started: Started;
    try {
      started = await this.#start();
    } catch (err) {
      throw this.#end(toPullError(err, this.#context));
    }
    let r: IteratorResult<JsMsg>;
    try {
      r = await started.iterator.next();
    } catch (err) {
      throw this.#end(toPullError(err, this.#context));
    }
    if (r.done) {
      if (this.#failure) throw this.#failure;
      const err = await started.messages.closed();
      if (!this.#stopped) {
        const failure = err
          ? toPullError(err, this.#context)
          : closedUnderError(this.#handle.conn, this.#context);
        if (failure) throw this.#end(failure);
      }
      this.stop();
      return null;
    }
    if (this.#stopped) return null;
    return new HelixMsg(this.#handle.conn, r.value);
  }

  #start(): Promise<Started> {
    if (!this.#started) {
      // `conn.drain()` stops a running iterator first: a pending next() returns null.
      this.#unregisterDrain = this.#handle.conn.onDrain(() => {
        this.stop();
        return this.closed.catch(() => {});
      });
      this.#started = this.#handle.raw
        .consume(toClientConsumeOptions(this.#options))
        .then((messages) => {
          followStatus(
            messages,
            this.#handle,
            this.#context,
            this.#options,
            (problem) => {
              // The client keeps retrying after missed heartbeats for ever: a pending next()
              // would never settle, so the iterator ends itself.
              if (!problem.ends || this.#stopped) return;
              this.#end(problem.error);
              messages.stop();
            },
            () => this.#stopped,
          );
          return { messages, iterator: messages[Symbol.asyncIterator]() };
        });
    }
    return this.#started;
  }

  /** Records the failure that ends the iterator and stops it. */
  #end(err: HelixError): HelixError {
    if (!this.#failure) this.#failure = err;
    this.stop();
    return this.#failure;
  }
}
