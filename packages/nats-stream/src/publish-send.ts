import {
  type Connection,
  ConnectionError,
  type HelixError,
  isRetryable,
  type LimitExceededError,
  type PublishOperation,
  toHelixError,
} from "@helix/nats-core";
import {
  abortable,
  assertUsable,
  retryDelay,
  sleep,
  throwIfAborted,
} from "@helix/nats-core/internal";
import { explainStreamLimit, noStreamForSubject } from "./errors.js";
import type { SendBatch } from "./publish-batch.js";
import { RECONNECTED, type ReconnectWatch } from "./publish-reconnect.js";
import type { PubAck, RetryReason } from "./types.js";
import type { ResolvedRetry } from "./validation.js";

/** Everything one publish's terminal needs. */
export interface SendContext {
  readonly conn: Connection;
  readonly retry: ResolvedRetry;
  readonly timeoutMs: number | undefined;
  readonly signal: AbortSignal | undefined;
  /** Answers whether a stream listens on a subject (shared lookups; see `StreamLookup`). */
  readonly streamExists: (subject: string) => Promise<boolean | undefined>;
  /**
   * The publisher's batch. An async publish (`op.async`) sends its first attempt at the batch's
   * next turn, with every other send queued by then; a sync publish waits only for a turn
   * already pending, so it never overtakes earlier `publishAsync` calls. Retries never wait.
   */
  readonly batch?: SendBatch;
  /**
   * The publisher's reconnect watch: a try awaiting its ack when the client reconnects is
   * re-sent at once, a retry's backoff ends early. Without it, tries wait for their ack timeout.
   */
  readonly reconnects?: ReconnectWatch;
  /**
   * Called once the first attempt is queued (or, without a batch, about to be handed to the
   * client): from then on, every failure is one of the publish itself. Not called when the
   * publish fails before (an aborted signal, a closed or draining connection).
   */
  readonly onQueued?: () => void;
}

/**
 * The terminal of a `publish` operation: refuses a closed or draining connection before anything
 * is queued, then sends `op`, retrying transient failures (timeouts, no responders, leader
 * elections) with jittered exponential backoff within the retry budget, and re-sending at once a
 * try that awaited its ack when the client reconnected. Every attempt sends the same headers,
 * hence the same `Nats-Msg-Id`, so the server stores a retried message once. A no-responders
 * failure on a subject no stream listens to is a `NotFoundError("stream")` at once.
 */
export async function sendWithRetries(op: PublishOperation, ctx: SendContext): Promise<PubAck> {
  const { conn, retry, signal, reconnects } = ctx;
  let firstSentAt = 0;
  // A re-send without a message ID could store the message twice: only with one.
  const resendable = (): boolean =>
    op.msgID !== undefined && withinBudget(retry, op.attempt, firstSentAt, 0);
  for (let attempt = 1; ; attempt++) {
    op.attempt = attempt;
    throwIfAborted(signal, "publish");
    if (attempt === 1) {
      assertUsable(conn, op.async ? "publishAsync" : "publish");
      const turn = op.async ? ctx.batch?.join() : ctx.batch?.pending;
      ctx.onQueued?.();
      if (turn !== undefined) {
        await turn;
        // (cancelled while queued: not sent)
        throwIfAborted(signal, "publish");
      }
      firstSentAt = performance.now();
    }
    let error: HelixError;
    let reason: RetryReason;
    try {
      // (an undefined timeout means the client's default: it reads `opts.timeout || default`)
      const sending = conn.jetstream.publish(op.subject, op.payload, {
        headers: op.headers,
        timeout: ctx.timeoutMs,
      });
      const raw =
        reconnects === undefined
          ? await abortable(sending, signal, "publish")
          : await reconnects.ack(sending, signal, resendable);
      if (raw === RECONNECTED) {
        error = new ConnectionError(
          "publish: the client reconnected while the ack was awaited (the message may have been lost with the old connection); re-sent with the same Nats-Msg-Id",
          { retryable: true },
        );
        reason = "reconnect";
      } else {
        const duplicate = raw.duplicate === true;
        const ack: PubAck = raw.domain
          ? { stream: raw.stream, seq: raw.seq, duplicate, domain: raw.domain }
          : { stream: raw.stream, seq: raw.seq, duplicate };
        op.ack = ack;
        // a counter increment: the server answers with the new total (`val`, nats-server 2.12+)
        if (op.increment !== undefined) op.counterTotal = (raw as { val?: string }).val;
        return ack;
      }
    } catch (err) {
      error = toHelixError(err, { operation: "publish", what: "stream" });
      if (error.code === "LIMIT_EXCEEDED") {
        throw await explainStreamLimit(conn, op.subject, error as LimitExceededError);
      }
      if (!isRetryable(error)) throw error;
      if (
        error.code === "JETSTREAM_UNAVAILABLE" &&
        (await ctx.streamExists(op.subject)) === false
      ) {
        throw noStreamForSubject(op.subject, error);
      }
      reason = error.code === "TIMEOUT" ? "timeout" : "unavailable";
    }
    const delay = reason === "reconnect" ? 0 : retryDelay(attempt, retry);
    if (reason !== "reconnect" && !withinBudget(retry, attempt, firstSentAt, delay)) throw error;
    try {
      retry.onRetry?.(error, attempt, reason);
    } catch {
      // A throwing observer must not turn a retryable failure into a lost message.
    }
    if (delay === 0) continue;
    if (reconnects === undefined) await sleep(delay, signal, "publish");
    else await reconnects.sleep(delay, signal);
  }
}

/**
 * Whether another try may start `delayMs` from now, after try number `attempt`: fewer than
 * `attempts` tries so far, and no later than `budgetMs` after the first try was sent.
 */
function withinBudget(
  retry: ResolvedRetry,
  attempt: number,
  firstSentAt: number,
  delayMs: number,
): boolean {
  if (attempt >= retry.attempts) return false;
  return performance.now() + delayMs - firstSentAt <= retry.budgetMs;
}

/**
 * Looks up whether any stream listens on a subject, sharing one in-flight lookup per subject
 * (many publishes failing together ask once). `true`/`false` when the JetStream API answered,
 * `undefined` when it could not (then the failure is treated as transient).
 */
export class StreamLookup {
  #conn: Connection;
  #inFlight = new Map<string, Promise<boolean | undefined>>();

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  exists(subject: string): Promise<boolean | undefined> {
    let lookup = this.#inFlight.get(subject);
    if (lookup === undefined) {
      lookup = this.#find(subject).finally(() => this.#inFlight.delete(subject));
      this.#inFlight.set(subject, lookup);
    }
    return lookup;
  }

  async #find(subject: string): Promise<boolean | undefined> {
    try {
      const jsm = await this.#conn.manager();
      await jsm.streams.find(subject);
      return true;
    } catch (err) {
      const e = toHelixError(err);
      return e.code === "NOT_FOUND" ? false : undefined;
    }
  }
}
