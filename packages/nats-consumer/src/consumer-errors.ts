import {
  type Connection,
  type HelixError,
  NotFoundError,
  TimeoutError,
  toHelixError,
} from "@helix/nats-core";
import type { ConsumerNotification } from "@nats-io/jetstream";

/** Names the consumer a pull/consume error is about, so not-found errors say which one. */
export interface PullErrorContext {
  stream: string;
  consumer: string;
  operation: string;
}

/**
 * Maps an error thrown by the client while pulling (fetch, next, consume) to a helix error.
 * Status errors (409 "Consumer Deleted", "consumer not found", "stream not found") carry no
 * API code, so they are matched by message here before the generic mapping.
 */
export function toPullError(err: unknown, ctx: PullErrorContext): HelixError {
  const message =
    typeof (err as { message?: unknown })?.message === "string"
      ? (err as { message: string }).message.toLowerCase()
      : "";
  if (message.includes("consumer deleted") || message === "consumer not found") {
    return new NotFoundError("consumer", ctx.consumer, { cause: err });
  }
  if (message === "stream not found")
    return new NotFoundError("stream", ctx.stream, { cause: err });
  if (message.includes("heartbeats missed")) {
    return new TimeoutError(`${ctx.operation}: heartbeats from the server were missed`, {
      cause: err,
    });
  }
  return toHelixError(err, { what: "consumer", resource: ctx.consumer, operation: ctx.operation });
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
    const c = cause as { code?: unknown; message?: unknown };
    if (c?.code === 10059 || c?.message === "stream not found") {
      return new NotFoundError("stream", ctx.stream, { cause });
    }
    return err;
  }
}
