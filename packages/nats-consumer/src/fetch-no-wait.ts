import {
  CancelledError,
  type Connection,
  JetStreamApiError,
  JetStreamUnavailableError,
  TimeoutError,
} from "@helix/nats-core";
import { DEFAULT_JETSTREAM_TIMEOUT_MS, jetStreamApiPrefix } from "@helix/nats-core/internal";
import type { JsMsg } from "@nats-io/jetstream";
import { type Msg as CoreMsg, createInbox } from "@nats-io/transport-node";
import { PulledJsMsg } from "./pulled-message.js";

/**
 * Sends one pull request with `no_wait: true` and collects what the server has now. The server
 * ends the request with a 404 (nothing pending) or 408 (fewer than `batch` were available) status,
 * so this never waits the client's 1 s minimum expiry. The client (3.4) has no `no_wait` fetch,
 * hence the raw request.
 */
export function pullNoWait(
  conn: Connection,
  stream: string,
  consumer: string,
  batch: number,
  signal?: AbortSignal,
): Promise<JsMsg[]> {
  const nc = conn.nats;
  const timeoutMs = conn.jetstreamOptions.timeout ?? DEFAULT_JETSTREAM_TIMEOUT_MS;
  const inbox = createInbox((nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix);
  return new Promise<JsMsg[]>((resolve, reject) => {
    const received: JsMsg[] = [];
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      sub.unsubscribe();
      if (err) reject(err);
      else resolve(received);
    };
    const onAbort = (): void => finish(new CancelledError("fetchNoWait: cancelled"));
    const sub = nc.subscribe(inbox, {
      callback: (err, m) => {
        if (err) return finish(err);
        const status = statusOf(m);
        if (status === 0) {
          received.push(new PulledJsMsg(nc, m, timeoutMs));
          if (received.length >= batch) finish();
          return;
        }
        const failure = statusError(status, m, stream, consumer);
        finish(failure);
      },
    });
    const timer = setTimeout(
      () => finish(new TimeoutError("fetchNoWait: timed out waiting for the server")),
      timeoutMs,
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      nc.publish(
        `${jetStreamApiPrefix(conn.jetstreamOptions)}.CONSUMER.MSG.NEXT.${stream}.${consumer}`,
        JSON.stringify({ batch, no_wait: true }),
        { reply: inbox },
      );
    } catch (err) {
      finish(err as Error);
    }
  });
}

/** The status code of a JetStream status message, or 0 for a real message. */
function statusOf(m: CoreMsg): number {
  const h = m.headers;
  if (!h || m.data.length > 0) return 0;
  return Math.max(h.code, 0);
}

/** `undefined` when the status ends the pull normally (404 no messages, 408 request done). */
function statusError(
  code: number,
  m: CoreMsg,
  stream: string,
  consumer: string,
): Error | undefined {
  const description = m.headers?.description ?? "";
  switch (code) {
    case 404:
    case 408:
      return undefined;
    case 503:
      return new JetStreamUnavailableError(
        `fetchNoWait: no responders for consumer "${consumer}" on stream "${stream}": it may have been deleted, or JetStream is unavailable`,
      );
    default:
      return new JetStreamApiError(`fetchNoWait: ${code} ${description}`.trim(), 0, {
        status: code,
      });
  }
}
