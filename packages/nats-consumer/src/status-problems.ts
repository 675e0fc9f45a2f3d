import {
  type Connection,
  type ConsumerStatusOperation,
  type HelixError,
  JetStreamUnavailableError,
} from "@helix/nats-core";
import type { ConsumerNotification } from "@nats-io/jetstream";
import {
  heartbeatError,
  type PullErrorContext,
  refineGone,
  terminalStatusError,
} from "./consumer-errors.js";
import type { ConsumerHandle } from "./consumer-handle.js";

/** A status notification that is a problem: the error it means, and whether it ends the pull. */
export interface StatusProblem {
  readonly error: HelixError;
  readonly ends: boolean;
}

/**
 * What a consume/`messages()` notification means: missed heartbeats (ending the pull after
 * `maxMissedHeartbeats` in a row), no responders, or the consumer or its stream gone (ending it).
 * `undefined` for informational notifications the client recovers from by itself.
 */
export async function statusProblem(
  status: ConsumerNotification,
  handle: ConsumerHandle,
  ctx: PullErrorContext,
  maxMissedHeartbeats: number,
): Promise<StatusProblem | undefined> {
  if (status.type === "heartbeats_missed") {
    return { error: heartbeatError(status.count, ctx), ends: status.count >= maxMissedHeartbeats };
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
