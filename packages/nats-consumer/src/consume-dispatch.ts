import { CancelledError, type Connection, type ProcessOperation } from "@helix/nats-core";
import { retryDelay, type Semaphore, sleep } from "@helix/nats-core/internal";
import type { JsMsg } from "@nats-io/jetstream";
import {
  type DeadLetterReason,
  type DeadLetterStore,
  errorTypeOf,
  type StoredDeadLetter,
} from "./dead-letter.js";
import { toError } from "./errors.js";
import { decideFailure, type FailurePolicy } from "./failure-policy.js";
import { handlerTimeoutError, KeepAlive, keepAliveInterval } from "./keepalive.js";
import { HelixMsg, knownConsumer, SENT } from "./msg.js";
import type { HandlerContext, MsgHandler, PullTarget } from "./types.js";

/** Marks "the handler did not throw": a handler may throw `undefined` itself. */
const NO_ERROR: unique symbol = Symbol("no error");

/** What a consume gives the dispatcher of its messages. */
export interface DispatchSetup {
  readonly target: PullTarget;
  readonly handler: MsgHandler;
  /** The handlers' signal: aborted when the consume cancels them. */
  readonly signal: AbortSignal;
  /** The concurrency limit: a message holds a slot until it is handled and settled. */
  readonly slots: Semaphore;
  /** Ack on return, nak on throw (unless the handler settled). */
  readonly autoSettle: boolean;
  /** Retry delays, dead letters, keepalive and handler timeout. */
  readonly failure: FailurePolicy;
  /**
   * What a nak waits for: `undefined` while the consume runs; once it stops, a promise that
   * settles when the server forgot the stopped pull request (see `forgetStoppedPull`).
   */
  readonly beforeNak: () => Promise<void> | undefined;
  /** Hands a problem to the consume's `onError`. */
  readonly report: (err: Error, msg?: HelixMsg) => void;
}

/**
 * Hands each message of a consume to its handler inside a `process` operation and settles it
 * there (the consume's hot path). A middleware that runs `next()` in an async context (a tracing
 * span, say) sees the ack or nak inside it.
 */
export class Dispatcher {
  readonly #conn: Connection;
  readonly #target: PullTarget;
  /** The consumer its messages name without parsing their reply subjects (`knownConsumer`). */
  readonly #consumer: string | undefined;
  readonly #handler: MsgHandler;
  readonly #handlerContext: HandlerContext;
  readonly #signal: AbortSignal;
  readonly #slots: Semaphore;
  readonly #autoSettle: boolean;
  readonly #failure: FailurePolicy;
  /** Sends `working()` while handlers run; `undefined` when off (or nothing is settled). */
  readonly #keepAlive: KeepAlive<HelixMsg> | undefined;
  readonly #beforeNak: () => Promise<void> | undefined;
  readonly #report: (err: Error, msg?: HelixMsg) => void;
  /** The consume ended; with a closed connection, nothing is settled any more. */
  #ended = false;

  constructor(setup: DispatchSetup) {
    this.#conn = setup.target.conn;
    this.#target = setup.target;
    this.#consumer = knownConsumer(setup.target);
    this.#handler = setup.handler;
    this.#signal = setup.signal;
    this.#handlerContext = { signal: setup.signal };
    this.#slots = setup.slots;
    this.#autoSettle = setup.autoSettle;
    this.#failure = setup.failure;
    const keepAliveMs = setup.failure.keepAliveMs;
    this.#keepAlive =
      keepAliveMs === undefined ? undefined : new KeepAlive(keepAliveMs, (msg) => this.#beat(msg));
    this.#beforeNak = setup.beforeNak;
    this.#report = setup.report;
  }

  /** The consume ended (`closed` settled): handlers still running settle only while the connection is open. */
  markEnded(): void {
    this.#ended = true;
    this.#keepAlive?.close();
  }

  /**
   * Runs the handler inside the `process` operation and settles the message there too, so a
   * middleware that runs `next()` in an async context (a tracing span, say) sees the ack or nak
   * inside it. Without awaits: a synchronous handler whose ack was sent synchronously (no
   * middleware, or only ones that pass `next()` through) is done, slot released, before this
   * returns; otherwise the slot is released once the promise chain settles.
   */
  dispatch(raw: JsMsg): void {
    const conn = this.#conn;
    const msg = new HelixMsg(conn, raw, this.#consumer);
    if (conn.middleware.idle()) {
      // No middleware with anything to do (none, or all idle): no operation to describe it to,
      // and any rejection is the handler's own, reported already.
      const processed = this.#process(msg, ignore);
      if (processed === SENT) this.#slots.release();
      else
        processed.then(
          () => this.#settleThenRelease(msg, false),
          (err: unknown) => this.#settleThenRelease(msg, true, err),
        );
      return;
    }
    const op: ProcessOperation = {
      kind: "process",
      client: conn.client,
      stream: this.#target.stream,
      consumer: this.#target.name,
      message: msg.delivered,
      signal: this.#signal,
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
        this.#settleThenRelease(msg, true, err);
      },
    );
  }

  /** Settles automatically, then releases the message's slot (at once when nothing is pending). */
  #settleThenRelease(msg: HelixMsg, failed: boolean, error?: unknown): void {
    let settling: Promise<void> | undefined;
    try {
      settling = this.#settleAutomatically(msg, failed, error);
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
   * the report and the nak (or dead letter), rejecting with the handler's error. Answers `SENT`
   * when all of it completed synchronously. Never throws synchronously. While an asynchronous
   * handler runs, `working()` is sent every `keepAliveMs`; past `timeoutMs` its signal aborts and
   * it counts as failed with a `TimeoutError`.
   */
  #process(msg: HelixMsg, onHandlerError: (err: unknown) => void): Promise<void> {
    const timeoutMs = this.#failure.timeoutMs;
    const timer = timeoutMs === undefined ? undefined : new HandlerTimer(this.#signal, timeoutMs);
    let result: void | Promise<void>;
    try {
      result = this.#handler(msg, timer?.context ?? this.#handlerContext);
    } catch (err) {
      timer?.done();
      return this.#handlerFailed(msg, err, onHandlerError);
    }
    if (isThenable(result)) {
      const keepAlive = this.#keepAlive;
      keepAlive?.start(msg);
      const running =
        timer === undefined
          ? Promise.resolve(result)
          : timer.race(result, () =>
              handlerTimeoutError(timer.timeoutMs, msg.info.stream, msg.seq),
            );
      return running.then(
        () => {
          keepAlive?.stop(msg);
          timer?.done();
          return this.#settleAutomatically(msg, false);
        },
        (err: unknown) => {
          keepAlive?.stop(msg);
          timer?.done();
          return this.#handlerFailed(msg, err, onHandlerError);
        },
      );
    }
    timer?.done();
    return this.#settleAutomatically(msg, false) ?? SENT;
  }

  /** One keepalive: `working()` (a `settle` operation), a failure reported. */
  #beat(msg: HelixMsg): void {
    if (msg.settled) return;
    msg.working().then(undefined, (err: unknown) => this.#report(toError(err), msg));
  }

  /** Reports the handler's error before the nak (onError hears of the failure before of the retry), then rejects with it. */
  #handlerFailed(
    msg: HelixMsg,
    err: unknown,
    onHandlerError: (err: unknown) => void,
  ): Promise<never> {
    onHandlerError(err);
    this.#report(toError(err), msg);
    const settling = this.#settleAutomatically(msg, true, err);
    if (settling === undefined) return Promise.reject(err);
    return settling.then(() => Promise.reject(err));
  }

  /**
   * Acks (or after a failure naks, dead-letters or terms) unless settling is off or the message
   * is settled already. `undefined` when nothing is left to wait for, else a promise that never
   * rejects (a failed settle is reported).
   */
  #settleAutomatically(msg: HelixMsg, failed: boolean, error?: unknown): Promise<void> | undefined {
    if (!this.#autoSettle || msg.settled) return undefined;
    // Ended by a closed connection: nothing can reach the server (it redelivers after ack_wait).
    if (this.#ended && this.#conn.nats.isClosed()) return undefined;
    let settling: Promise<void>;
    if (!failed) settling = msg.ack();
    // A handler the consume cancelled failed through no fault of the message: released without
    // delay, as a buffered one is; on its last delivery, dead-lettered when dead letters are on.
    else if (this.#signal.aborted) settling = this.#giveBack(msg, error);
    else settling = this.#settleFailed(msg, error);
    if (settling === SENT) return undefined;
    return settling.then(undefined, (err: unknown) => this.#report(err as Error, msg));
  }

  /**
   * Gives back a message the consume will not handle (its handler cancelled, or never handed it
   * out): nak'ed without delay, for the next pull. On its last delivery a nak would leave it with
   * no consumer to deliver it again: with dead letters on, it is stored as a dead letter
   * (`max_deliver`, with `error`) and term'ed instead.
   */
  #giveBack(msg: HelixMsg, error: unknown): Promise<void> {
    if (
      this.#failure.deadLetters !== undefined &&
      this.#failure.retry.isLastDelivery(msg.info.deliveryCount)
    ) {
      return this.#deadLetter(msg, "max_deliver", error);
    }
    return this.#nak(msg, undefined);
  }

  /**
   * The messages a stopped consume pulled but never handed out: those on their last delivery are
   * dead-lettered (see `#giveBack`) and the promise settles once they are; the others are
   * answered, for the caller to release all at once.
   */
  releaseLastDeliveries(raws: readonly JsMsg[]): { rest: JsMsg[]; done: Promise<void> } {
    // Dead letters are the automatic settling's (`autoAck: false` leaves them off).
    if (this.#failure.deadLetters === undefined || !this.#autoSettle)
      return { rest: [...raws], done: Promise.resolve() };
    const rest: JsMsg[] = [];
    const storing: Promise<void>[] = [];
    for (const raw of raws) {
      if (!this.#failure.retry.isLastDelivery(raw.info.deliveryCount)) {
        rest.push(raw);
        continue;
      }
      const msg = new HelixMsg(this.#conn, raw, this.#consumer);
      const notHanded = new CancelledError(
        "not handled: the consume stopped before handing the message out",
      );
      storing.push(
        this.#giveBack(msg, notHanded).then(undefined, (err: unknown) =>
          this.#report(toError(err), msg),
        ),
      );
    }
    return { rest, done: Promise.all(storing).then(ignore) };
  }

  /** A nak, after what `beforeNak` says to wait for. */
  #nak(msg: HelixMsg, delayMs: number | undefined): Promise<void> {
    const wait = this.#beforeNak();
    return wait === undefined ? msg.nak(delayMs) : wait.then(() => msg.nak(delayMs));
  }

  /** Settles a message whose handler failed, as the failure policy decides. */
  #settleFailed(msg: HelixMsg, error: unknown): Promise<void> {
    const decision = decideFailure(this.#failure, msg.info.deliveryCount, error, () =>
      this.#nakDelay(msg),
    );
    switch (decision.action) {
      case "nak":
        return this.#nak(msg, decision.delayMs);
      case "term":
        return msg.term(`${decision.reason}: ${errorTypeOf(error)}`);
      case "deadletter":
        return this.#deadLetter(msg, decision.reason, error);
    }
  }

  /**
   * Stores the message as a dead letter, then terms it; when storing fails, the failure is
   * reported and the message nak'ed (with the retry delay), so it is never lost in between. On
   * its last delivery a nak would leave it with no consumer to deliver it again: it is held
   * instead (`#storeWhileHeld`).
   */
  #deadLetter(msg: HelixMsg, reason: DeadLetterReason, error: unknown): Promise<void> {
    const store = this.#failure.deadLetters;
    if (store === undefined) return this.#nak(msg, this.#nakDelay(msg));
    return store.store(msg, reason, error).then(
      (stored) => termStored(msg, reason, stored),
      (err: unknown) => {
        this.#report(toError(err), msg);
        if (!this.#failure.retry.isLastDelivery(msg.info.deliveryCount)) {
          return this.#nak(msg, this.#nakDelay(msg));
        }
        return this.#storeWhileHeld(store, msg, reason, error, err);
      },
    );
  }

  /**
   * The dead letter of a message on its last delivery could not be stored: the message keeps its
   * slot and is held, with `working()` every third of `ack_wait` from its own timer (whatever
   * `keepAlive` says: this is not handler time), while storing is tried again at growing
   * intervals (about 1 s, 2 s, 4 s… up to 30 s) until it succeeds (then the message is term'ed),
   * the message was settled otherwise, or the consume cancels its handlers (`stop({ abort: true })`,
   * a drain deadline, the connection closed). Then a `CancelledError` naming its stream and
   * sequence is reported and, while the connection is open, it is nak'ed: it stays in the stream,
   * but its consumer will not deliver it again. A plain `stop()` waits for a held message as it
   * waits for a running handler.
   */
  async #storeWhileHeld(
    store: DeadLetterStore,
    msg: HelixMsg,
    reason: DeadLetterReason,
    error: unknown,
    firstFailure: unknown,
  ): Promise<void> {
    const holdMs = keepAliveInterval(undefined, this.#target.config.ack_wait) as number;
    let holding: ReturnType<typeof setInterval> | undefined;
    if (!this.#signal.aborted) {
      this.#beat(msg);
      holding = setInterval(() => this.#beat(msg), holdMs);
      holding.unref?.();
    }
    let lastFailure = firstFailure;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await sleep(retryDelay(attempt, HELD_STORE_DELAYS), this.#signal, "deadletter");
        } catch {
          break; // the handlers' signal aborted
        }
        if (msg.settled) return; // a handler past its timeout settled it after all
        let stored: StoredDeadLetter;
        try {
          stored = await store.store(msg, reason, error);
        } catch (err) {
          lastFailure = err;
          if (this.#signal.aborted) break;
          continue;
        }
        // A handler past its timeout may have settled it meanwhile: nothing left to term.
        if (msg.settled) return;
        return termStored(msg, reason, stored);
      }
    } finally {
      clearInterval(holding);
    }
    if (msg.settled) return;
    const { stream, streamSequence, consumer } = msg.info;
    this.#report(
      new CancelledError(
        `the dead letter of ${stream} seq ${streamSequence} (consumer ${consumer}, its last delivery) was not stored before the consume ended: the message stays in the stream, but the consumer will not deliver it again`,
        { cause: lastFailure },
      ),
      msg,
    );
    // With the connection closed, nothing reaches the server.
    if (this.#conn.nats.isClosed()) return;
    return this.#nak(msg, undefined);
  }

  /** The retry delay for `msg`; a `nakDelayMs` function that throws is reported, then the default applies. */
  #nakDelay(msg: HelixMsg): number {
    const deliveryCount = msg.info.deliveryCount;
    try {
      return this.#failure.retry.delayMs(deliveryCount);
    } catch (err) {
      this.#report(toError(err), msg);
      return this.#failure.retry.fallbackDelayMs(deliveryCount);
    }
  }
}

/**
 * A per-message handler timeout: the handler gets a signal that aborts with the consume's own
 * or when `timeoutMs` passes.
 */
class HandlerTimer {
  readonly timeoutMs: number;
  readonly context: HandlerContext;
  readonly #controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(consumeSignal: AbortSignal, timeoutMs: number) {
    this.timeoutMs = timeoutMs;
    this.context = { signal: AbortSignal.any([consumeSignal, this.#controller.signal]) };
  }

  /** `handling`, or past the timeout a rejection with `timeoutError()` (the signal aborted). */
  race(handling: PromiseLike<void>, timeoutError: () => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#timer = setTimeout(() => {
        const err = timeoutError();
        this.#controller.abort(err);
        reject(err);
      }, this.timeoutMs);
      handling.then(resolve, reject);
    });
  }

  /** The handler is done: no timeout any more. */
  done(): void {
    clearTimeout(this.#timer);
  }
}

/** Terms a message once its dead letter is stored, saying where. */
function termStored(
  msg: HelixMsg,
  reason: DeadLetterReason,
  stored: StoredDeadLetter,
): Promise<void> {
  return msg.term(`dead-lettered (${reason}) to ${stored.stream} seq ${stored.seq}`);
}

/** The pauses between tries to store a held message's dead letter (jittered: half to all of each). */
const HELD_STORE_DELAYS = { initialDelayMs: 1_000, maxDelayMs: 30_000 };

function ignore(): void {}

function isThenable(value: unknown): value is PromiseLike<void> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
