import {
  COMPLETED,
  type Connection,
  ConnectionError,
  type CoreProcessMode,
  type CoreProcessOperation,
  type HelixError,
  TimeoutError,
  toHelixError,
} from "@helix/nats-core";
import { assertUsable, DEFAULT_DRAIN_TIMEOUT_MS, Semaphore } from "@helix/nats-core/internal";
import type { Subscription as ClientSubscription, Msg } from "@nats-io/transport-node";
import { Message } from "./message.js";
import type {
  DrainOptions,
  ErrorInfo,
  HandlerContext,
  StopOptions,
  SubscribeOptions,
  Subscription,
} from "./types.js";
import { assertDrainOptions } from "./validation.js";

/** Runs one message's handler (and, for a reply handler, sends the response). */
export type ProcessMessage = (msg: Message, ctx: HandlerContext) => Promise<void>;

/**
 * What a `ProcessMessage` returns when the handler finished synchronously: core's `COMPLETED`.
 * A middleware that passes `next()`'s result on keeps it (the otel plugin finishes its span at
 * once on it), and the subscription then frees the slot at once, with no promise reaction.
 */
export const HANDLED: Promise<void> = COMPLETED;

/**
 * One running `subscribe` or `reply` over a client subscription with a callback (no async
 * iterator: no promise and no queue hop per message). A message that finds a free slot of the
 * concurrency limiter is handed to its handler at once; one that finds every slot held waits, in
 * order, in the subscription's own queue (as it would in the iterator's), so at most
 * `concurrency` handlers run at once. Each message is a `core.process` operation of the
 * middleware stack.
 *
 * How it ends: `stop()` unsubscribes and drops what the client buffered; `drain()` has the
 * server stop sending and hands every message already sent to a handler. Running handlers
 * finish, then `closed` resolves. Their signal aborts only when their work is abandoned:
 * `stop({ abort: true })`, a drain deadline, or the connection closed under them (the last two
 * settle `closed` at once).
 */
export class HandlerSubscription implements Subscription {
  readonly subject: string;
  readonly queue: string | undefined;
  readonly closed: Promise<void>;
  readonly #conn: Connection;
  readonly #mode: CoreProcessMode;
  readonly #process: ProcessMessage;
  readonly #options: SubscribeOptions;
  readonly #slots: Semaphore;
  readonly #abort = new AbortController();
  readonly #context: HandlerContext;
  readonly #sub: ClientSubscription;
  readonly #unregisterDrain: () => void;
  readonly #forgetConnection: () => void;
  #settleClosed!: (err: HelixError | undefined) => void;
  /** `stop()` was called: buffered messages are dropped. */
  #stopping = false;
  /** `stop()` or `drain()` was called: the end is the caller's choice. */
  #ending = false;
  #ended = false;
  #failure: HelixError | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  /** Messages that arrived while every slot was held, oldest first from `#waitingHead`. */
  #waiting: (Msg | undefined)[] = [];
  #waitingHead = 0;
  /** The loop handing waiting messages to handlers as slots free up, while it runs. */
  #pumping: Promise<void> | undefined;

  constructor(
    conn: Connection,
    subject: string,
    mode: CoreProcessMode,
    options: SubscribeOptions,
    process: ProcessMessage,
  ) {
    this.subject = subject;
    this.queue = options.queue;
    this.#conn = conn;
    this.#mode = mode;
    this.#process = process;
    this.#options = options;
    this.#slots = new Semaphore(options.concurrency ?? 1);
    this.#context = { signal: this.#abort.signal };
    this.closed = new Promise<void>((resolve, reject) => {
      this.#settleClosed = (err) => (err ? reject(err) : resolve());
    });
    // Callers who never look at `closed` must not get an unhandled rejection.
    this.closed.catch(() => {});
    // Refused at once on a closed or draining connection: ConnectionError, nothing registered.
    try {
      assertUsable(conn, mode, false);
      this.#sub = conn.nats.subscribe(subject, {
        callback: this.#onMessage,
        ...(options.queue !== undefined ? { queue: options.queue } : {}),
        ...(options.maxMessages !== undefined ? { max: options.maxMessages } : {}),
      });
    } catch (err) {
      throw toHelixError(err, { operation: mode });
    }
    // conn.drain() drains a running subscription first: its handlers finish before the close.
    this.#unregisterDrain = conn.onDrain(() => this.drain().then(ignore, ignore));
    this.#sub.closed.then(this.#onClientSettled, this.#onClientSettled);
    // Through a holder cleared at the end: an ended subscription leaves a few bytes on a
    // long-lived connection's `closed`, not itself (a reaction cannot be removed).
    const watch: { sub: HandlerSubscription | undefined } = { sub: this };
    const onClosed = (): void => {
      const sub = watch.sub;
      if (sub !== undefined) sub.#onConnectionClosed();
    };
    conn.closed.then(onClosed, onClosed);
    this.#forgetConnection = () => {
      watch.sub = undefined;
    };
    const signal = options.signal;
    if (signal?.aborted) this.stop();
    else signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  readonly #onAbort = (): void => this.stop();

  stop(options?: StopOptions): void {
    if (!this.#stopping) {
      this.#stopping = true;
      this.#ending = true;
      this.#slots.close();
      if (!this.#sub.isClosed()) {
        try {
          this.#sub.unsubscribe();
        } catch {
          // already closed with the connection
        }
      }
    }
    if (options?.abort === true) this.#cancelHandlers();
  }

  drain(options: DrainOptions = {}): Promise<void> {
    try {
      assertDrainOptions(options);
    } catch (err) {
      return Promise.reject(err);
    }
    if (!this.#ending) {
      this.#ending = true;
      if (!this.#sub.isClosed() && !this.#sub.isDraining()) {
        this.#sub.drain().catch(() => {
          // The connection closed meanwhile: #onConnectionClosed ends the subscription.
        });
      }
    }
    this.#armDeadline(options.timeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
    return this.closed;
  }

  /**
   * The client's callback, called from its parser for every message. It never throws (an
   * exception here would reach the client's socket handling).
   */
  readonly #onMessage = (err: Error | null, raw: Msg): void => {
    if (err !== null) {
      // a permission refused, say: the client closes the subscription with it too
      this.#onClientClosed(err);
      return;
    }
    // stopped: what the client still delivers is dropped
    if (this.#stopping || this.#ended) return;
    if (this.#waitingHead === this.#waiting.length && this.#slots.tryAcquire()) {
      this.#dispatch(raw);
      return;
    }
    this.#waiting.push(raw);
    this.#pumping ??= this.#pump();
  };

  /** Hands the waiting messages to handlers, in order, as slots free up. */
  async #pump(): Promise<void> {
    try {
      while (this.#waitingHead < this.#waiting.length) {
        const held = this.#slots.tryAcquire() || (await this.#slots.acquire());
        if (!held || this.#stopping || this.#ended) {
          if (held) this.#slots.release();
          break; // stopped or ended: the waiting messages are dropped
        }
        const raw = this.#waiting[this.#waitingHead] as Msg;
        this.#waiting[this.#waitingHead] = undefined;
        this.#waitingHead++;
        this.#dispatch(raw);
      }
    } finally {
      this.#waiting = [];
      this.#waitingHead = 0;
      this.#pumping = undefined;
    }
  }

  /**
   * The client closed its subscription (stop, drain, `maxMessages`, an error or the connection):
   * no message comes any more. Once the waiting ones were handed out and every handler finished,
   * the subscription ends.
   */
  async #finish(): Promise<void> {
    // No message arrives after the close, so no new pump can start meanwhile.
    if (this.#pumping !== undefined) await this.#pumping;
    await this.#slots.whenIdle();
    this.#end(undefined);
  }

  /**
   * The client closed its subscription with an error (a permission refused): the subscription
   * fails. (Any close, with an error or not, then ends it through `#finish`.)
   */
  readonly #onClientClosed = (err: unknown): void => {
    if (!(err instanceof Error)) return;
    this.#fail(toHelixError(err, { operation: this.#mode })); // stops it: no new handlers
  };

  readonly #onClientSettled = (err: unknown): void => {
    this.#onClientClosed(err);
    void this.#finish();
  };

  /**
   * The connection closed under a running subscription: handlers are abandoned and `closed`
   * rejects at once, whoever holds a slot, instead of after the handlers still running and the
   * messages still waiting for a slot.
   */
  readonly #onConnectionClosed = (): void => {
    if (this.#ended || this.#ending) return;
    this.#slots.close();
    this.#connectionClosed();
  };

  #dispatch(raw: Msg): void {
    const message = new Message(raw);
    const conn = this.#conn;
    // Hot per-message path: conn.run, not runOperation (as consume does): a handler is not a
    // call to the server, so neither the abort check nor a draining client refuses it. With an
    // empty stack, or one whose middlewares are all idle, nothing would see the operation: the
    // handler is called without one.
    let running: Promise<void>;
    try {
      if (conn.middleware.idle()) running = this.#process(message, this.#context);
      else {
        const op: CoreProcessOperation = {
          kind: "core.process",
          client: conn.client,
          mode: this.#mode,
          subscription: this.subject,
          queue: this.queue,
          message,
        };
        running = conn.run(op, () => this.#process(message, this.#context));
      }
    } catch (err) {
      running = Promise.reject(err);
    }
    if (running === HANDLED) {
      this.#slots.release();
      return;
    }
    running.then(this.#release, (err: unknown) => {
      this.#report(err instanceof Error ? err : new Error(String(err)), { msg: message });
      this.#slots.release();
    });
  }

  readonly #release = (): void => this.#slots.release();

  #cancelHandlers(): void {
    if (!this.#abort.signal.aborted) this.#abort.abort();
  }

  #armDeadline(timeoutMs: number): void {
    if (this.#ended || this.#deadline !== undefined) return;
    this.#deadline = setTimeout(() => {
      if (this.#ended) return;
      this.#cancelHandlers();
      this.#end(
        new TimeoutError(
          `${this.#mode} "${this.subject}": drain did not finish within ${timeoutMs} ms (${this.#slots.inUse} handler(s) still running); their signal was aborted`,
        ),
      );
    }, timeoutMs);
  }

  /** The connection closed under a running subscription: handlers are abandoned, `closed` rejects. */
  #connectionClosed(): void {
    this.#cancelHandlers();
    this.#end(
      new ConnectionError(
        `${this.#mode} "${this.subject}": the connection closed while the subscription ran`,
        { code: "CONNECTION_CLOSED" },
      ),
    );
  }

  #fail(err: HelixError): void {
    if (this.#failure !== undefined) return;
    this.#failure = err;
    this.#report(err, {});
    this.stop({ abort: true });
  }

  #end(error: HelixError | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    if (error !== undefined && this.#failure === undefined) {
      this.#failure = error;
      this.#report(error, {});
    }
    clearTimeout(this.#deadline);
    this.#slots.close(); // a pump still waiting for a slot stops
    this.#unregisterDrain();
    this.#forgetConnection();
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    this.#settleClosed(this.#failure);
  }

  #report(err: Error, info: ErrorInfo): void {
    try {
      this.#options.onError?.(err, info);
    } catch {
      // a failing error callback must not stop the subscription
    }
  }
}

export function ignore(): void {}
