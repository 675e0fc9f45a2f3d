import {
  type Connection,
  ConnectionError,
  type HelixError,
  JetStreamUnavailableError,
  NotFoundError,
  TimeoutError,
  toHelixError,
} from "@helix/nats-core";
import { DEFAULT_JETSTREAM_TIMEOUT_MS } from "@helix/nats-core/internal";
import type { ConsumerNotification } from "@nats-io/jetstream";
import { serverAnswers } from "./server-ping.js";
import type { PullTarget } from "./types.js";

/*
 * This package's error mapping and explanations: client errors and consume notifications become
 * helix errors that name the consumer, or its stream when the stream is what is missing.
 */

/** `err` if it is an `Error`, else an `Error` saying what was thrown. */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Names the consumer a pull/consume error is about, so not-found errors say which one. */
export interface PullErrorContext {
  stream: string;
  consumer: string;
  operation: string;
}

/**
 * Maps an error thrown by the client while pulling (fetch, next, consume) to a helix error that
 * names the consumer, or its stream when the stream is the thing missing.
 */
export function toPullError(err: unknown, ctx: PullErrorContext): HelixError {
  return toHelixError(err, {
    what: "consumer",
    resource: ctx.consumer,
    stream: ctx.stream,
    operation: ctx.operation,
  });
}

/**
 * The error for a consume or iterator that the client ended by itself, without an error: it does
 * so when the connection closes under it. `undefined` when the connection is still open.
 */
export function closedUnderError(conn: Connection, ctx: PullErrorContext): HelixError | undefined {
  if (!conn.nats.isClosed()) return undefined;
  return connectionClosedError(ctx);
}

/** The error of a consume or iterator whose connection closed while it ran. */
export function connectionClosedError(ctx: PullErrorContext): ConnectionError {
  return new ConnectionError(
    `${ctx.operation}: the connection closed under consumer "${ctx.consumer}" of stream "${ctx.stream}"`,
    { code: "CONNECTION_CLOSED" },
  );
}

/**
 * The error of a consume drain whose deadline passed: handlers still running (their signal is
 * aborted then), or the server not confirming the acks in time.
 */
export function drainDeadlineError(
  ctx: PullErrorContext,
  timeoutMs: number,
  running: number,
): TimeoutError {
  const what =
    running === 0
      ? "the server did not confirm the acks"
      : running === 1
        ? "1 handler still running, its signal aborted"
        : `${running} handlers still running, their signal aborted`;
  return new TimeoutError(
    `${ctx.operation}: drain() of consumer "${ctx.consumer}" of stream "${ctx.stream}" did not finish within ${timeoutMs} ms: ${what}`,
  );
}

/**
 * The error a consume notification ends the consume with: the consumer or stream is gone.
 * `undefined` for notifications that are informational (the client recovers by itself).
 */
export function terminalStatusError(
  status: ConsumerNotification,
  ctx: PullErrorContext,
  ordered: boolean,
): HelixError | undefined {
  switch (status.type) {
    case "consumer_deleted":
      // Ordered consumers recreate their consumer: informational for them.
      return ordered
        ? undefined
        : new NotFoundError("consumer", ctx.consumer, {
            cause: new Error(`${status.code} ${status.description}`),
          });
    case "consumer_not_found":
      return ordered ? undefined : new NotFoundError("consumer", ctx.consumer);
    case "stream_not_found":
      return new NotFoundError("stream", ctx.stream);
    default:
      return undefined;
  }
}

/** The error reported to `onError` for a missed-heartbeats notification (not terminal by itself). */
export function heartbeatError(count: number, ctx: PullErrorContext): TimeoutError {
  return new TimeoutError(
    `${ctx.operation}: ${count} heartbeats from the server were missed on consumer "${ctx.consumer}" of stream "${ctx.stream}"`,
  );
}

/**
 * A consumer that vanished may have gone with its stream: asks the server once, so the error
 * says "stream" when the stream was deleted. Any other answer keeps the consumer error.
 */
export async function refineGone(
  conn: Connection,
  err: HelixError,
  ctx: PullErrorContext,
): Promise<HelixError> {
  if ((err as { what?: unknown }).what !== "consumer") return err;
  try {
    const jsm = await conn.manager();
    await jsm.streams.info(ctx.stream);
    return err;
  } catch (cause) {
    const gone = toHelixError(cause, { what: "stream", resource: ctx.stream });
    return gone.code === "NOT_FOUND" && (gone as NotFoundError).what === "stream" ? gone : err;
  }
}

/**
 * A pull that failed without saying why may have targeted a consumer, or a stream, that no
 * longer exists. Servers before 2.10 stay silent then (`fetch`: missed heartbeats; `fetchNoWait`:
 * no answer, a `TimeoutError`); newer ones answer "no responders" (a `JetStreamUnavailableError`),
 * as a leader election does. Asks the server once, so the caller gets a `NotFoundError` instead of
 * a retryable error it would retry for ever. Any other answer keeps the error. An ordered consumer
 * recreates its consumer, so only its stream is checked.
 */
export async function explainSilentPull(
  conn: Connection,
  err: HelixError,
  ctx: PullErrorContext,
  ordered: boolean,
): Promise<HelixError> {
  if (err.code !== "TIMEOUT" && err.code !== "JETSTREAM_UNAVAILABLE") return err;
  try {
    const jsm = await conn.manager();
    if (ordered) await jsm.streams.info(ctx.stream);
    else await jsm.consumers.info(ctx.stream, ctx.consumer);
    return err;
  } catch (cause) {
    const gone = toHelixError(cause, {
      what: ordered ? "stream" : "consumer",
      resource: ordered ? ctx.stream : ctx.consumer,
      stream: ctx.stream,
      operation: ctx.operation,
    });
    return gone.code === "NOT_FOUND" ? gone : err;
  }
}

/** A status notification that is a problem: the error it means, and whether it ends the pull. */
export interface StatusProblem {
  readonly error: HelixError;
  readonly ends: boolean;
}

/**
 * What a consume/`messages()` notification means: missed heartbeats (ending the pull after
 * `maxMissedHeartbeats` in a row if the server no longer answers a ping), no responders, or the
 * consumer or its stream gone (ending it). `undefined` for informational notifications the client
 * recovers from by itself.
 */
export async function statusProblem(
  status: ConsumerNotification,
  target: PullTarget,
  ctx: PullErrorContext,
  maxMissedHeartbeats: number,
): Promise<StatusProblem | undefined> {
  if (status.type === "heartbeats_missed") {
    const error = heartbeatError(status.count, ctx);
    if (status.count < maxMissedHeartbeats) return { error, ends: false };
    // Heartbeats also stop while the consumer's replicas elect a new leader (the pull request
    // died with the old one): the client then pulls again by itself once the consumer answers,
    // which can take longer than the limit. Only a server that no longer answers a ping (frozen,
    // unreachable behind an open socket) ends the pull; a live one keeps it, misses reported.
    const timeoutMs = target.conn.jetstreamOptions.timeout ?? DEFAULT_JETSTREAM_TIMEOUT_MS;
    return { error, ends: !(await serverAnswers(target.conn.nats, timeoutMs)) };
  }
  if (status.type === "no_responders") {
    const error = new JetStreamUnavailableError(
      `${ctx.operation}: no responders for consumer "${ctx.consumer}": JetStream is unavailable`,
    );
    return { error, ends: false };
  }
  const gone = terminalStatusError(status, ctx, target.ordered);
  if (gone === undefined) return undefined;
  return { error: await refineGone(target.conn, gone, ctx), ends: true };
}
