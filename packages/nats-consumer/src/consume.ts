import { type HelixError, ValidationError } from "@helix/nats-core";
import {
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_JETSTREAM_TIMEOUT_MS,
  Semaphore,
} from "@helix/nats-core/internal";
import type { ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import { onConnectionClosed } from "./connection-closed.js";
import { Dispatcher } from "./consume-dispatch.js";
import {
  closedUnderError,
  connectionClosedError,
  drainDeadlineError,
  type PullErrorContext,
  toPullError,
} from "./errors.js";
import { failurePolicy } from "./failure-policy.js";
import type { HelixMsg } from "./msg.js";
import { assertPriorityPull } from "./priority.js";
import { toClientConsumeOptions } from "./pull-options.js";
import { followStatus } from "./pull-status.js";
import { forgetStoppedPull, releaseUnhanded, takesAcks } from "./release.js";
import { serverAnswers } from "./server-ping.js";
import type {
  ConsumeContext,
  ConsumeOptions,
  DrainOptions,
  MsgHandler,
  PullTarget,
  StopOptions,
} from "./types.js";
import { assertConsumeOptions, assertDrainOptions } from "./validation.js";

/**
 * Validates, then starts a consume. Throws `ValidationError` synchronously for bad input (the
 * handling options were checked by the caller, `assertHandlingOptions`).
 */
export function startConsume(
  target: PullTarget,
  handler: MsgHandler,
  options: ConsumeOptions,
): ConsumeContext {
  if (typeof handler !== "function") {
    throw new ValidationError("handler", "consume needs a handler function");
  }
  assertConsumeOptions(options);
  assertPriorityPull(options, target.conn.nats.info?.version);
  assertCanSettle(target, options);
  return new ConsumeRun(target, handler, options);
}

/**
 * Refuses automatic settling on a consumer that acks nothing: "throw → nak and redelivery" is a
 * promise the server cannot keep there (it forgets a message once delivered). Ordered consumers
 * are for reading, and are never settled.
 */
function assertCanSettle(target: PullTarget, options: ConsumeOptions): void {
  if (target.ordered || options.autoAck === false || takesAcks(target)) return;
  throw new ValidationError(
    "autoAck",
    `consume: consumer "${target.name}" of stream "${target.stream}" acks nothing (ack_policy none): a failed message is lost. Create it with ack_policy explicit, or pass autoAck: false`,
    { value: options.autoAck },
  );
}

/**
 * One running consume over the client's `consume()` iterator. The loop takes a slot of the
 * concurrency limiter before it reads the next message, so the client's pull requests (queued in
 * its iterator) only go out as fast as handlers free up: with concurrency 1, messages are
 * handled one after the other, in order.
 *
 * How it ends: `stop()` (or `drain()`) stops the pulls and releases what the client had buffered
 * (nak'ed without delay); running handlers finish, then the acks are flushed and `closed`
 * resolves. The handlers' signal aborts only when their work is to be abandoned:
 * `stop({ abort: true })`, a drain deadline, the connection closed, or a terminal failure. The
 * last three settle `closed` at once, without waiting for handlers that may never return.
 */
class ConsumeRun implements ConsumeContext {
  readonly closed: Promise<void>;
  readonly #target: PullTarget;
  readonly #options: ConsumeOptions;
  readonly #releases: boolean;
  readonly #slots: Semaphore;
  readonly #abort = new AbortController();
  readonly #dispatcher: Dispatcher;
  readonly #unregisterDrain: () => void;
  readonly #unregisterClose: () => void;
  /** Messages the client pulled after `stop()`: never handed out, released once the pulls end. */
  readonly #unhanded: JsMsg[] = [];
  /** Resolves once the client's pulls ended (it ran every pull request it had queued). */
  readonly #pullsEnded: Promise<void>;
  #endPulls!: () => void;
  /** The server forgot the stopped pull request: asked for on the first nak after `stop()`. */
  #pullForgotten: Promise<void> | undefined;
  #settleClosed!: (err: HelixError | undefined) => void;
  #messages: ConsumerMessages | undefined;
  #stopping = false;
  /** Every handler finished: only the flush of the acks is left. */
  #flushing = false;
  /** `closed` is settled. */
  #ended = false;
  #failure: HelixError | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  #deadlineAt = Number.POSITIVE_INFINITY;

  constructor(target: PullTarget, handler: MsgHandler, options: ConsumeOptions) {
    this.#target = target;
    this.#options = options;
    this.#releases = takesAcks(target);
    this.#slots = new Semaphore(options.concurrency ?? 1);
    this.#pullsEnded = new Promise<void>((resolve) => {
      this.#endPulls = resolve;
    });
    this.#dispatcher = new Dispatcher({
      target,
      handler,
      signal: this.#abort.signal,
      slots: this.#slots,
      autoSettle: (options.autoAck ?? true) && this.#releases,
      failure: failurePolicy(target.conn, target, options),
      beforeNak: () => (this.#stopping ? this.#forgetPull() : undefined),
      report: (err, msg) => this.#report(err, msg),
    });
    this.closed = new Promise<void>((resolve, reject) => {
      this.#settleClosed = (err) => (err ? reject(err) : resolve());
    });
    // Callers who never look at `closed` must not get an unhandled rejection.
    this.closed.catch(() => {});
    // conn.drain() drains a running consume first; its outcome reached `closed` and onError.
    this.#unregisterDrain = target.conn.onDrain(() => {
      this.stop();
      return this.closed.then(ignore, ignore);
    });
    this.#unregisterClose = onConnectionClosed(target.conn, this.#onConnectionClosed);
    void this.#run();
    const signal = options.signal;
    if (signal?.aborted) this.stop();
    else signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  readonly #onAbort = (): void => this.stop();

  stop(options?: StopOptions): void {
    if (!this.#stopping) {
      this.#stopping = true;
      if (this.#messages !== undefined) this.#messages.stop();
      this.#slots.close();
    }
    if (options?.abort === true) this.#cancelHandlers();
  }

  drain(options: DrainOptions = {}): Promise<void> {
    try {
      assertDrainOptions(options);
    } catch (err) {
      return Promise.reject(err);
    }
    this.stop();
    this.#armDeadline(options.timeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
    return this.closed;
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
          this.#unhanded.push(next.value);
          continue;
        }
        this.#dispatcher.dispatch(next.value);
      }
      this.#endPulls();
      await this.#releaseUnhanded();
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
      this.#endPulls();
      await this.#slots.whenIdle();
      this.#flushing = true;
      // Acks are fire-and-forget publishes: a flush makes sure the server has them. Bounded by
      // the JetStream timeout: an unresponsive server must not hold `closed` forever.
      const { nats, jetstreamOptions } = this.#target.conn;
      if (!this.#ended) {
        await serverAnswers(nats, jetstreamOptions.timeout ?? DEFAULT_JETSTREAM_TIMEOUT_MS);
      }
      this.#end(undefined);
    }
  }

  /**
   * Releases the messages pulled after `stop()` (nak'ed without delay, confirmed by the server),
   * without waiting for running handlers: the next run, or another worker, gets them at once
   * rather than after the ack wait. With dead letters on, one on its last delivery is stored as a
   * dead letter instead (a nak would leave it with no consumer). Not when the consumer takes no
   * acks, or the consume failed (the consumer is gone, the server unreachable): nothing useful
   * would reach the server.
   */
  async #releaseUnhanded(): Promise<void> {
    const unhanded = this.#unhanded.splice(0);
    if (unhanded.length === 0 || !this.#releases || this.#failure !== undefined) return;
    const { rest, done } = this.#dispatcher.releaseLastDeliveries(unhanded);
    await this.#forgetPull();
    await releaseUnhanded(this.#target.conn, rest, (err, msg) => this.#report(err, msg));
    await done;
  }

  /**
   * Once the client's iterator ran every pull it had queued (after `stop()` too), has the server
   * drop the last one, still waiting for the unsubscribed inbox: every nak of a stopped consume
   * waits for this (see `forgetStoppedPull`). One request, made only if something is nak'ed.
   */
  #forgetPull(): Promise<void> {
    this.#pullForgotten ??= this.#pullsEnded.then(() =>
      this.#failure === undefined ? forgetStoppedPull(this.#target) : undefined,
    );
    return this.#pullForgotten;
  }

  /** Aborts the handlers' signal: their work is abandoned (once). */
  #cancelHandlers(): void {
    if (!this.#abort.signal.aborted) this.#abort.abort();
  }

  /** Arms (or brings forward) the drain deadline: past it the handlers are cancelled and `closed` rejects. */
  #armDeadline(timeoutMs: number): void {
    const at = performance.now() + timeoutMs;
    if (this.#ended || at >= this.#deadlineAt) return;
    clearTimeout(this.#deadline);
    this.#deadlineAt = at;
    this.#deadline = setTimeout(() => {
      if (this.#ended) return;
      this.#cancelHandlers();
      this.#end(drainDeadlineError(this.#context, timeoutMs, this.#slots.inUse));
    }, timeoutMs);
  }

  /**
   * The connection closed. Unless every handler finished already (the flush then fails fast and
   * `closed` resolves as usual), running handlers can no longer settle anything: their signal
   * aborts and `closed` rejects with a `ConnectionError` at once, stopped or not.
   */
  readonly #onConnectionClosed = (): void => {
    if (this.#ended || this.#flushing) return;
    this.stop({ abort: true });
    this.#end(connectionClosedError(this.#context));
  };

  /**
   * Settles `closed` (once): with `error` unless an earlier failure is already recorded, and
   * reports a new failure to `onError`. Leaves nothing registered on the connection or signal.
   */
  #end(error: HelixError | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#dispatcher.markEnded();
    if (error !== undefined && this.#failure === undefined) {
      this.#failure = error;
      this.#report(error);
    }
    clearTimeout(this.#deadline);
    this.#unregisterDrain();
    this.#unregisterClose();
    // A long-lived signal (one per process, say) must not keep every ended consume alive.
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    this.#settleClosed(this.#failure);
  }

  /**
   * Ends the consume with `err` (the first failure wins), reporting it: the handlers are
   * cancelled; `closed` rejects once they returned.
   */
  #fail(err: HelixError): void {
    // After stop() or drain() the consume is ending by the caller's choice.
    if (this.#failure !== undefined || this.#stopping) return;
    this.#failure = err;
    this.#report(err);
    this.stop({ abort: true });
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
