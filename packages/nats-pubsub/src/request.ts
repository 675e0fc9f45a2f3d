import type { Connection, CoreRequestOperation } from "@helix/nats-core";
import { runOperation, sleep } from "@helix/nats-core/internal";
import { headers as createHeaders } from "@nats-io/transport-node";
import { isNoRespondersError, serviceErrorOf, toPubSubError } from "./errors.js";
import { Message } from "./message.js";
import { hasAny, type Outgoing } from "./operation.js";
import type { RequestOptions } from "./types.js";

/** How long a request waits for its reply unless told otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
const DEFAULT_RETRY_DELAY_MS = 100;

/**
 * Runs one request as a `core.request` operation, whose `next()` settles when the reply arrived:
 * a reply with the service error headers rejects with `ServiceError` (inside the stack, so a
 * middleware records the failure). No responders is retried only when `options.retry` says so.
 */
export function runRequest(
  conn: Connection,
  subject: string,
  out: Outgoing,
  options: RequestOptions,
): Promise<Message> {
  const signal = options.signal;
  const op: CoreRequestOperation = {
    kind: "core.request",
    client: conn.client,
    subject,
    headers: out.headers ?? createHeaders(),
    payload: out.payload,
    timeoutMs: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    attempt: 1,
  };
  if (signal !== undefined) (op as { signal?: AbortSignal }).signal = signal;
  const attempts = options.retry?.attempts ?? 1;
  const delayMs = options.retry?.delayMs ?? DEFAULT_RETRY_DELAY_MS;
  const call = async (req: CoreRequestOperation): Promise<Message> => {
    for (;;) {
      try {
        return await send(conn, req);
      } catch (err) {
        const mapped = toPubSubError(err, "request", req.subject);
        if (!isNoRespondersError(mapped) || req.attempt >= attempts) throw mapped;
        await sleep(delayMs, signal, "request");
        req.attempt++;
      }
    }
  };
  return runOperation(conn, op, call, {
    signal,
    jetstream: false,
    name: "request",
    mapError: (err, failed) => toPubSubError(err, "request", failed.subject),
  });
}

async function send(conn: Connection, op: CoreRequestOperation): Promise<Message> {
  const headers = op.headers;
  const raw = await conn.nats.request(op.subject, op.payload, {
    timeout: op.timeoutMs,
    ...(hasAny(headers) ? { headers } : {}),
  });
  const reply = new Message(raw);
  op.response = reply;
  const failure = serviceErrorOf(reply, op.subject);
  if (failure !== undefined) throw failure;
  return reply;
}
