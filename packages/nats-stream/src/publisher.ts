import {
  type Connection,
  deleteHeader,
  type HelixError,
  isConnection,
  type NotAFunction,
  type Payload,
  type PublishOperation,
  type StandardSchemaV1,
  toHelixError,
  ValidationError,
} from "@helix/nats-core";
import { Semaphore } from "@helix/nats-core/internal";
import { AtomicBatch, requireAtomicBatch } from "./atomic-batch.js";
import { INCR_HEADER, incrementValue, parseCounterTotal, requireCounters } from "./counter.js";
import { publishOperation } from "./operation.js";
import { SendBatch } from "./publish-batch.js";
import { QueuedPublish } from "./publish-future.js";
import { type PreparedMessage, prepareMessage } from "./publish-message.js";
import { ReconnectWatch } from "./publish-reconnect.js";
import { afterSchema, typedPublisher } from "./publish-schema.js";
import { type SendContext, StreamLookup, sendWithRetries } from "./publish-send.js";
import { resolveSchedule, scheduledMessage } from "./schedule.js";
import type {
  IncrementOptions,
  PubAck,
  PublishBatch,
  PublishCompletion,
  PublishData,
  Publisher,
  PublisherOptions,
  PublishFuture,
  PublishOptions,
  ScheduledMessage,
  ScheduleOptions,
  TypedPublisher,
} from "./types.js";
import { type ResolvedPublisherOptions, resolvePublisherOptions } from "./validation.js";

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
  /** Re-sends the publishes awaiting their ack when the client reconnects (watched while busy). */
  #reconnects: ReconnectWatch;
  /** Whether a check that stops the reconnect watch once idle is already scheduled. */
  #idleCheck = false;
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
    this.#reconnects = new ReconnectWatch(conn.nats);
  }

  get pending(): number {
    return this.#window.inUse;
  }

  /*
   * The per-message path. A publish walks the stack with `conn.run` itself rather than through
   * core's `runOperation`: measured with a terminal that does no I/O, `runOperation` adds about
   * 0.2 µs and two promises to each call (0.4 to 0.65 µs per publish through this class), and
   * against a server it lowered `publishAsync` (window 256, 128 B) from 1.06 to 0.92 of the raw
   * client's rate in three paired runs. The terminal, `sendWithRetries`, keeps runOperation's
   * order itself: it checks the signal first, inside the stack (a middleware sees a publish that
   * was cancelled before it was sent); every wait in it is cancellable; it maps the client's
   * errors inside the stack (the retry loop decides by them) and explains a stream limit there;
   * what a middleware throws is mapped on the way out, below; and it refuses a closed or draining
   * connection with core's `assertUsable` before queueing anything, so `publishAsync` itself
   * rejects with that `ConnectionError`. `runOperation` has since been written without async
   * functions (about 0.12 µs over `conn.run` in that measurement); moving publish onto it waits
   * for a benchmark run.
   */

  publish<T extends Payload>(
    subject: string,
    data?: NotAFunction<T>,
    options: PublishOptions & { schema?: unknown } = {},
  ): Promise<PubAck> {
    if (options.schema !== undefined) {
      return afterSchema(subject, data, options, (rest) => this.publish(subject, data, rest));
    }
    // Not an async function: one promise layer less on the per-message path.
    let op: PublishOperation;
    try {
      const message = this.#prepare(subject, data, options);
      op = publishOperation(this.#conn.client, message, options.signal, false);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#send(op, options);
  }

  async increment(
    subject: string,
    by: number | bigint,
    options: IncrementOptions = {},
  ): Promise<bigint> {
    const delta = incrementValue(by);
    // only the options an increment takes (an `expect` or `ttlMs` slipped past the type is not sent)
    const { headers, msgID, timeoutMs, signal } = options ?? {};
    const message = this.#prepare(subject, undefined, { headers, msgID, timeoutMs, signal });
    this.#requireFeature(requireCounters);
    // Exactly "Nats-Incr": the server looks header names up case-sensitively.
    deleteHeader(message.headers, INCR_HEADER);
    message.headers.set(INCR_HEADER, delta);
    const op: PublishOperation = {
      ...publishOperation(this.#conn.client, message, signal, false),
      increment: delta,
    };
    const ack = await this.#send(op, { timeoutMs, signal });
    return parseCounterTotal(op.counterTotal, { subject, stream: ack.stream, seq: ack.seq });
  }

  typed<S extends StandardSchemaV1>(subject: string, schema: S): TypedPublisher<S> {
    return typedPublisher(this, subject, schema);
  }

  batch(): PublishBatch {
    this.#requireFeature(requireAtomicBatch);
    return new AtomicBatch({
      conn: this.#conn,
      timeoutMs: this.#settings.timeoutMs,
      track: (work) => {
        this.#begin();
        return work().finally(() => this.#end());
      },
      serverVersion: () => this.#serverVersion(),
    });
  }

  async schedule<T extends Payload>(
    subject: string,
    data: NotAFunction<T> | undefined,
    options: ScheduleOptions,
  ): Promise<ScheduledMessage> {
    const resolved = resolveSchedule(subject, options, this.#serverVersion());
    // only the options of the schedule message itself (its `ttlMs` is the produced messages')
    const { headers, msgID, timeoutMs, signal } = options;
    const message = this.#prepare(subject, data, { headers, msgID, timeoutMs, signal });
    for (const [name, value] of resolved.headers) {
      // exact names: the server looks header names up case-sensitively
      deleteHeader(message.headers, name);
      message.headers.set(name, value);
    }
    const op: PublishOperation = {
      ...publishOperation(this.#conn.client, message, signal, false),
      schedule: resolved.schedule,
      scheduleTarget: resolved.target,
    };
    const ack = await this.#send(op, { timeoutMs, signal });
    return scheduledMessage(this.#conn, subject, resolved, ack);
  }

  /** Runs a prepared synchronous publish through the stack and waits for its ack. */
  #send(op: PublishOperation, options: PublishOptions): Promise<PubAck> {
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

  async publishAsync<T extends Payload>(
    subject: string,
    data?: NotAFunction<T>,
    options: PublishOptions & { schema?: unknown } = {},
  ): Promise<PublishFuture> {
    if (options.schema !== undefined) {
      return afterSchema(subject, data, options, (rest) => this.publishAsync(subject, data, rest));
    }
    const { signal } = options;
    const message = this.#prepare(subject, data, options);
    // A window slot. Waiting for it is cancellable. A publish cancelled before or while waiting
    // holds no slot and still runs through the stack, whose terminal fails it with
    // `CancelledError` before anything is sent: middlewares see every cancelled publish. So does
    // one on a closed or draining connection (refused at once, even with a full window).
    let held = false;
    if (!signal?.aborted && !this.#refusesWork()) {
      try {
        held = await this.#window.acquire(signal, "publishAsync");
      } catch (err) {
        if (!signal?.aborted) throw err;
      }
    }
    this.#begin();
    const op = publishOperation(this.#conn.client, message, signal, true);
    // `queued`: the terminal queued the first attempt for the batch's next turn (without an
    // async middleware, synchronously within `run`). `wake` ends the wait below, if any.
    let queued = false;
    let settled = false;
    let wake: (() => void) | undefined;
    // (assigned before any settle handler below can run: promise callbacks run later)
    let future: QueuedPublish | undefined;
    const onQueued = (): void => {
      queued = true;
      wake?.();
    };
    const ack = this.#conn
      .run(op, () => sendWithRetries(op, this.#context(options, onQueued)))
      .then(
        (value) => {
          settled = true;
          this.#settle(undefined, queued, held);
          wake?.();
          return value;
        },
        (err: unknown) => {
          settled = true;
          const error = toHelixError(err, { operation: "publishAsync" });
          this.#settle(error, queued, held);
          if (queued && future !== undefined && !QueuedPublish.wasRead(future)) {
            this.#reportUnread(error, op);
          }
          wake?.();
          throw error;
        },
      );
    // Marks the promise handled: ignoring a future never crashes the process with an unhandled
    // rejection; the failure still reaches whoever awaits `ack`, `complete()` counts it, and if
    // nobody read `ack` before it failed, `#reportUnread` reports it.
    ack.catch(noop);
    future = new QueuedPublish(op.subject, op.msgID, ack);
    if (!queued) {
      // An async middleware: wait until it reaches the terminal, or settles the publish first.
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      // Settled before it was queued (cancelled, a middleware failed or answered by itself): a
      // failure then rejects publishAsync itself.
      if (!queued && settled) await ack;
    }
    return future;
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
      // only a `ttlMs` is checked against it: a plain publish asks nothing of the connection here
      serverVersion: options?.ttlMs === undefined ? undefined : this.#serverVersion(),
    });
  }

  /**
   * The server version a feature is checked against, or `undefined` on a closed or draining
   * connection: no check then, as the terminal refuses the publish with the `ConnectionError`
   * that says why (a closed connection no longer reports a version anyway).
   */
  #serverVersion(): string | undefined {
    return this.#refusesWork() ? undefined : this.#conn.nats.info?.version;
  }

  /** Runs a feature's version check (`requireCounters`…) unless the connection refuses work. */
  #requireFeature(check: (serverVersion: string | undefined) => void): void {
    const version = this.#serverVersion();
    if (version !== undefined) check(version);
  }

  #context(options: PublishOptions, onQueued?: () => void): SendContext {
    return {
      conn: this.#conn,
      retry: this.#settings.retry,
      timeoutMs: options.timeoutMs ?? this.#settings.timeoutMs,
      signal: options.signal,
      streamExists: this.#streamExists,
      batch: this.#batch,
      reconnects: this.#reconnects,
      onQueued,
    };
  }

  /** A closed or draining client: the terminal refuses every publish (`assertUsable`). */
  #refusesWork(): boolean {
    return this.#conn.nats.isClosed() || this.#conn.nats.isDraining();
  }

  /**
   * A `publishAsync` failure whose `future.ack` nobody had read when it failed: to `onError`,
   * else (or when `onError` throws) to `conn.report`, never dropped. A message cancelled by its
   * own signal is the caller's doing, and not reported.
   */
  #reportUnread(error: HelixError, op: PublishOperation): void {
    if (error.code === "CANCELLED") return;
    const onError = this.#settings.onError;
    if (onError !== undefined) {
      try {
        onError(error, {
          subject: op.subject,
          msgID: op.msgID,
          payload: op.payload,
          headers: op.headers,
        });
        return;
      } catch {
        // An observer bug must not swallow the failure: it goes to the connection below.
      }
    }
    this.#conn.report(error);
  }

  #settle(error: HelixError | undefined, queued: boolean, held: boolean): void {
    if (held) this.#window.release();
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
      this.#reconnects.start();
    }
  }

  #end(): void {
    this.#inFlight--;
    if (this.#inFlight > 0) return;
    this.#unregisterDrain?.();
    this.#unregisterDrain = undefined;
    this.#stopWatchingWhenIdle();
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Stops the reconnect watch if the publisher is still idle at the next macrotask, so a loop of
   * `await publisher.publish(...)` keeps one watch rather than starting one per message.
   */
  #stopWatchingWhenIdle(): void {
    if (this.#idleCheck) return;
    this.#idleCheck = true;
    setImmediate(() => {
      this.#idleCheck = false;
      if (this.#inFlight === 0) this.#reconnects.stop();
    }).unref();
  }

  #whenNothingInFlight(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }
}

function noop(): void {}
