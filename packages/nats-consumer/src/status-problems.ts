import {
  type Connection,
  type ConsumerStatusOperation,
  type HelixError,
  JetStreamUnavailableError,
} from "@helix/nats-core";
import type { ConsumerMessages, ConsumerNotification } from "@nats-io/jetstream";
import {
  heartbeatError,
  type PullErrorContext,
  refineGone,
  terminalStatusError,
} from "./consumer-errors.js";
import type { ConsumerHandle } from "./consumer-handle.js";
import { DEFAULT_MAX_MISSED_HEARTBEATS } from "./pull-options.js";
import { serverAnswers } from "./server-ping.js";
import type { PullOptions } from "./types.js";

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
  handle: ConsumerHandle,
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
    const timeoutMs = handle.conn.jetstreamOptions.timeout ?? 5_000;
    return { error, ends: !(await serverAnswers(handle.conn.nats, timeoutMs)) };
  }
  if (status.type === "no_responders") {
    const error = new JetStreamUnavailableError(
      `${ctx.operation}: no responders for consumer "${ctx.consumer}": JetStream is unavailable`,
    );
    return { error, ends: false };
  }
  const gone = terminalStatusError(status, ctx, handle.ordered);
  if (gone === undefined) return undefined;
  return { error: await refineGone(handle.conn, gone, ctx), ends: true };
}

/**
 * Passes a status problem through the middleware stack as a `consumer.status` operation whose
 * `next()` rejects with the problem's error, so plugins record it; never throws.
 */
export function reportStatusProblem(
  conn: Connection,
  ctx: PullErrorContext,
  status: ConsumerNotification,
  problem: StatusProblem,
): Promise<void> {
  const op: ConsumerStatusOperation = {
    kind: "consumer.status",
    client: conn.client,
    stream: ctx.stream,
    consumer: ctx.consumer,
    status: status.type,
    error: problem.error,
    ends: problem.ends,
  };
  return conn
    .run(op, () => Promise.reject(problem.error))
    .then(
      () => {},
      () => {},
    );
}

/**
 * Follows the notifications of a running pull (`consume` or `messages()`): each goes to
 * `onStatus`; each problem passes through the stack as `consumer.status`, then to `onProblem`.
 * Notifications that arrive while `ignored()` holds (the pull is stopping) reach only `onStatus`.
 */
export function followStatus(
  messages: ConsumerMessages,
  handle: ConsumerHandle,
  ctx: PullErrorContext,
  options: Pick<PullOptions, "onStatus" | "maxMissedHeartbeats">,
  onProblem: (problem: StatusProblem) => void,
  ignored: () => boolean = () => false,
): void {
  const limit = options.maxMissedHeartbeats ?? DEFAULT_MAX_MISSED_HEARTBEATS;
  void (async () => {
    for await (const status of messages.status()) {
      try {
        options.onStatus?.(status);
      } catch {
        // a failing status callback must not end the pull
      }
      if (ignored()) continue;
      const problem = await statusProblem(status, handle, ctx, limit);
      if (problem === undefined) continue;
      await reportStatusProblem(handle.conn, ctx, status, problem);
      onProblem(problem);
    }
  })().catch(() => {});
}
