import { type HelixError, type ProcessOperation, ValidationError } from "@helix/nats-core";
import { DEFAULT_JETSTREAM_TIMEOUT_MS, Semaphore } from "@helix/nats-core/internal";
import type { ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import { closedUnderError, type PullErrorContext, toPullError } from "./errors.js";
import { HelixMsg, SENT } from "./msg.js";
import { defaultNakDelay, nakDelayFor } from "./nak-delay.js";
import { toClientConsumeOptions } from "./pull-options.js";
import { followStatus } from "./pull-status.js";
import { serverAnswers } from "./server-ping.js";
import type {
  ConsumeContext,
  ConsumeOptions,
  HandlerContext,
  MsgHandler,
  PullTarget,
} from "./types.js";
import { assertConsumeOptions } from "./validation.js";

/** Validates, then starts a consume. Throws `ValidationError` synchronously for bad input. */
export function startConsume(
  target: PullTarget,
  handler: MsgHandler,
  options: ConsumeOptions,
): ConsumeContext {
  if (typeof handler !== "function") {
    throw new ValidationError("handler", "consume needs a handler function");
  }
  assertConsumeOptions(options);
  return new ConsumeRun(target, handler, options);
}

/** Marks "the handler did not throw": a handler may throw `undefined` itself. */
const NO_ERROR: unique symbol = Symbol("no error");

/**
 * One running consume over the client's `consume()` iterator. The loop takes a slot of the
 * concurrency limiter before it reads the next message, so the client's pull requests (queued in
 * its iterator) only go out as fast as handlers free up: with concurrency 1, messages are
 * handled one after the other, in order.
 */
class ConsumeRun implements ConsumeContext {
  readonly closed: Promise<void>;
  readonly #target: PullTarget;
  readonly #handler: MsgHandler;
  readonly #options: ConsumeOptions;
  readonly #autoSettle: boolean;
  readonly #slots: Semaphore;
  readonly #abort = new AbortController();
  readonly #handlerContext: HandlerContext;
  readonly #loop: Promise<void>;
  readonly #unregisterDrain: () => void;
  #messages: ConsumerMessages | undefined;
  #stopping = false;
  #failure: HelixError | undefined;

  constructor(target: PullTarget, handler: MsgHandler, options: ConsumeOptions) {
    this.#target = target;
    this.#handler = handler;
    this.#options = options;
    // Ordered consumers do not take acks (ack policy none): nothing to settle.
    this.#autoSettle = (options.autoAck ?? true) && !target.ordered;
    this.#slots = new Semaphore(options.concurrency ?? 1);
    this.#handlerContext = { signal: this.#abort.signal };
    this.#unregisterDrain = target.conn.onDrain(() => this.drain());
    this.#loop = this.#run();
    this.closed = this.#loop.then(() => {
      if (this.#failure) throw this.#failure;
    });
    // Callers who never look at `closed` must not get an unhandled rejection.
    this.closed.catch(() => {});
    const signal = options.signal;
    if (signal?.aborted) this.stop();
    else signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  readonly #onAbort = (): void => this.stop();

  stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#abort.abort();
    this.#messages?.stop();
    this.#slots.close();
  }

  async drain(): Promise<void> {
    this.stop();
    await this.#loop;
  }

  get #context(): PullErrorContext {
    return { stream: this.#target.stream, consumer: this.#target.name, operation: "consume" };
  }

  async #run(): Promise<void> {
    try {
      const messages = await this.#target.raw.consume(toClientConsumeOptions(this.#options));
      this.#messages = messages;
      if (this.#stopping) messages.stop();
      followStatus(messages, this.#target, this.#context, this.#options, (problem) => {
        if (problem.ends) this.#fail(problem.error);
        else this.#report(problem.error);
      });
      const iterator = messages[Symbol.asyncIterator]();
      for (;;) {
        const held = this.#stopping
          ? false
          : this.#slots.tryAcquire() || (await this.#slots.acquire());
        const next = await iterator.next();
        if (next.done) {
          if (held) this.#slots.release();
          break;
        }
        if (this.#stopping) {
          if (held) this.#slots.release();
          // Received after stop, never handed out: left unsettled, the server redelivers it
          // after the ack wait (a nak here would race the stopped pull request: see README).
          continue;
        }
        void this.#dispatch(next.value);
      }
      const err = await messages.closed();
      if (err) this.#fail(toPullError(err, this.#context));
      else if (!this.#stopping) {
        // Not stopped by the caller: the client ends a consume silently when the connection closes.
        const closed = closedUnderError(this.#target.conn, this.#context);
        if (closed) this.#fail(closed);
      }
    } catch (err) {
      this.#fail(toPullError(err, this.#context));
    } finally {
      this.#stopping = true;
      this.#abort.abort();
      await this.#slots.whenIdle();
      // Acks are fire-and-forget publishes: a flush makes sure the server has them. Bounded by
      // the JetStream timeout: an unresponsive server must not hold `closed` forever.
      const { nats, jetstreamOptions } = this.#target.conn;
      await serverAnswers(nats, jetstreamOptions.timeout ?? DEFAULT_JETSTREAM_TIMEOUT_MS);
      this.#unregisterDrain();
      // A long-lived signal (one per process, say) must not keep every ended consume alive.
      this.#options.signal?.removeEventListener("abort", this.#onAbort);
    }
  }

  /**
   * Runs the handler inside the `process` operation and settles the message there too, so a
   * middleware that runs `next()` in an async context (a tracing span, say) sees the ack or nak
   * inside it. Without awaits: a synchronous handler whose ack was sent synchronously (no
   * middleware, or only ones that pass `next()` through) is done, slot released, before this
   * returns; otherwise the slot is released once the promise chain settles.
   */
  #dispatch(raw: JsMsg): void {
    const conn = this.#target.conn;
    const msg = new HelixMsg(conn, raw);
    if (conn.middleware.size === 0) {
      // No middleware: no operation to describe it to, and any rejection is the handler's own,
      // reported already.
      const processed = this.#process(msg, ignore);
      if (processed === SENT) this.#slots.release();
      else
        processed.then(
          () => this.#settleThenRelease(msg, false),
          () => this.#settleThenRelease(msg, true),
        );
      return;
    }
    const op: ProcessOperation = {
      kind: "process",
      client: conn.client,
      stream: this.#target.stream,
      consumer: this.#target.name,
      message: msg.delivered,
      signal: this.#abort.signal,
    };
    let handlerError: unknown = NO_ERROR;
    // Hot per-message path: conn.run, not runOperation, so a message allocates no extra closures and keeps its SENT fast path (benchmarked).
    const processed = conn.run(op, () =>
      this.#process(msg, (err) => {
        handlerError = err;
      }),
    );
    if (processed === SENT) {
      this.#slots.release();
      return;
    }
    processed.then(
      // Settled already, unless a middleware answered without running the handler.
      () => this.#settleThenRelease(msg, false),
      (err: unknown) => {
        // A middleware's own failure; the handler's was reported already.
        if (err !== handlerError) this.#report(toError(err), msg);
        this.#settleThenRelease(msg, true);
      },
    );
  }

  /** Settles automatically, then releases the message's slot (at once when nothing is pending). */
  #settleThenRelease(msg: HelixMsg, failed: boolean): void {
    let settling: Promise<void> | undefined;
    try {
      settling = this.#settleAutomatically(msg, failed);
    } catch (err) {
      // Not expected (settling reports its failures); the slot must come back regardless.
      this.#report(toError(err), msg);
    }
    if (settling === undefined) this.#slots.release();
    else settling.then(this.#release, this.#release);
  }

  readonly #release = (): void => this.#slots.release();

  /**
   * The `process` operation's terminal: the handler, then the automatic ack, or after a failure
   * the report and the nak, rejecting with the handler's error. Answers `SENT` when all of it
   * completed synchronously. Never throws synchronously.
   */
  #process(msg: HelixMsg, onHandlerError: (err: unknown) => void): Promise<void> {
    let result: void | Promise<void>;
    try {
      result = this.#handler(msg, this.#handlerContext);
    } catch (err) {
      return this.#handlerFailed(msg, err, onHandlerError);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        () => this.#settleAutomatically(msg, false),
        (err: unknown) => this.#handlerFailed(msg, err, onHandlerError),
      );
    }
    return this.#settleAutomatically(msg, false) ?? SENT;
  }

  /** Reports the handler's error before the nak (onError hears of the failure before of the retry), then rejects with it. */
  #handlerFailed(
    msg: HelixMsg,
    err: unknown,
    onHandlerError: (err: unknown) => void,
  ): Promise<never> {
    onHandlerError(err);
    this.#report(toError(err), msg);
    const settling = this.#settleAutomatically(msg, true);
    if (settling === undefined) return Promise.reject(err);
    return settling.then(() => Promise.reject(err));
  }

  /**
   * Acks (or naks after a failure) unless settling is off or the message is settled already.
   * `undefined` when nothing is left to wait for, else a promise that never rejects (a failed
   * settle is reported).
   */
  #settleAutomatically(msg: HelixMsg, failed: boolean): Promise<void> | undefined {
    if (!this.#autoSettle || msg.settled) return undefined;
    const settling = failed ? msg.nak(this.#nakDelay(msg)) : msg.ack();
    if (settling === SENT) return undefined;
    return settling.then(undefined, (err: unknown) => this.#report(err as Error, msg));
  }

  /** The nak delay for `msg`; a `nakDelayMs` function that throws is reported, then the default applies. */
  #nakDelay(msg: HelixMsg): number {
    const deliveryCount = msg.info.deliveryCount;
    try {
      return nakDelayFor(this.#options.nakDelayMs, deliveryCount);
    } catch (err) {
      this.#report(err instanceof Error ? err : new Error(String(err)), msg);
      return defaultNakDelay(deliveryCount);
    }
  }

  /** Ends the consume with `err` (the first failure wins), reporting it. */
  #fail(err: HelixError): void {
    // After stop() or drain() the consume is ending by the caller's choice.
    if (this.#failure !== undefined || this.#stopping) return;
    this.#failure = err;
    this.#report(err);
    this.stop();
  }

  #report(err: Error, msg?: HelixMsg): void {
    try {
      this.#options.onError?.(err, msg ? { msg } : {});
    } catch {
      // a failing error callback must not stop the consume
    }
  }
}

function ignore(): void {}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function isThenable(value: unknown): value is PromiseLike<void> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
