import { type HelixError, toHelixError } from "@helix/nats-core";
import type { ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import { closedUnderError, type PullErrorContext, toPullError } from "./errors.js";
import { HelixMsg, knownConsumer } from "./msg.js";
import { runReceive } from "./operation.js";
import { assertPriorityPull } from "./priority.js";
import { toClientConsumeOptions } from "./pull-options.js";
import { followStatus } from "./pull-status.js";
import { forgetStoppedPull, releaseUnhanded, takesAcks } from "./release.js";
import type { MessagesContext, MessagesOptions, Msg, PullTarget } from "./types.js";
import { assertPullOptions } from "./validation.js";

/** Validates, then makes a pull iterator; the client's consume starts on the first `next()`. */
export function startMessages(target: PullTarget, options: MessagesOptions): MessagesContext {
  assertPullOptions(options);
  assertPriorityPull(options, target.conn.nats.info?.version);
  return new MessagesIterator(target, options);
}

interface Started {
  messages: ConsumerMessages;
  iterator: AsyncIterator<JsMsg>;
}

/**
 * Go's `MessagesContext`, without its crash: `next()` after `stop()` returns `null`. Each `next()`
 * is a `receive` operation (mode `next`). Messages the client had buffered when `stop()` came are
 * not handed out: they are released (nak'ed without delay) for the next pull.
 */
class MessagesIterator implements MessagesContext {
  readonly closed: Promise<void>;
  readonly #target: PullTarget;
  /** The consumer its messages name without parsing their reply subjects (`knownConsumer`). */
  readonly #consumer: string | undefined;
  readonly #options: MessagesOptions;
  #started: Promise<Started> | undefined;
  #stopped = false;
  #failure: HelixError | undefined;
  #settleClosed!: (err?: HelixError) => void;
  #unregisterDrain: (() => void) | undefined;
  /** Messages the client pulled that no `next()` returned (they came after `stop()`). */
  readonly #unhanded: JsMsg[] = [];

  constructor(target: PullTarget, options: MessagesOptions) {
    this.#target = target;
    this.#consumer = knownConsumer(target);
    this.#options = options;
    this.closed = new Promise<void>((resolve, reject) => {
      this.#settleClosed = (err) => (err ? reject(err) : resolve());
    });
    this.closed.catch(() => {});
  }

  get #context(): PullErrorContext {
    return { stream: this.#target.stream, consumer: this.#target.name, operation: "next" };
  }

  next(): Promise<Msg | null> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#stopped) return Promise.resolve(null);
    return runReceive(this.#target, "next", 1, undefined, this.#readOne).then(firstOrNull);
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
        // Let the client's iterator run to its end (and the pulls it queued); what it held is
        // released for the next pull, once the server forgot the stopped pull request.
        for (;;) {
          const r = await iterator.next();
          if (r.done) break;
          this.#unhanded.push(r.value);
        }
        await this.#releaseUnhanded();
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

  readonly #readOne = async (): Promise<HelixMsg[]> => {
    const msg = await this.#read();
    return msg ? [msg] : [];
  };

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
          : closedUnderError(this.#target.conn, this.#context);
        if (failure) throw this.#end(failure);
      }
      this.stop();
      return null;
    }
    if (this.#stopped) {
      this.#unhanded.push(r.value);
      return null;
    }
    return new HelixMsg(this.#target.conn, r.value, this.#consumer);
  }

  /** Releases what was never handed out, unless the consumer takes no acks or the iterator failed. */
  async #releaseUnhanded(): Promise<void> {
    if (this.#unhanded.length === 0 || this.#failure || !takesAcks(this.#target)) return;
    await forgetStoppedPull(this.#target);
    const conn = this.#target.conn;
    // Nobody awaits a release: a failure is a connection `error` event.
    await releaseUnhanded(conn, this.#unhanded.splice(0), (err) => conn.report(toHelixError(err)));
  }

  #start(): Promise<Started> {
    if (!this.#started) {
      // `conn.drain()` stops a running iterator first: a pending next() returns null.
      this.#unregisterDrain = this.#target.conn.onDrain(() => {
        this.stop();
        return this.closed.catch(() => {});
      });
      this.#started = this.#target.raw
        .consume(toClientConsumeOptions(this.#options))
        .then((messages) => {
          followStatus(
            messages,
            this.#target,
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

function firstOrNull(msgs: HelixMsg[]): HelixMsg | null {
  return msgs[0] ?? null;
}
