import type {
  ClientInfo,
  Connection,
  PublishOperation,
  StreamOperation,
  StreamOperationKind,
} from "@helix/nats-core";
import { runOperation } from "@helix/nats-core/internal";
import type { JetStreamManager } from "@nats-io/jetstream";
import { streamError } from "./errors.js";
import type { PreparedMessage } from "./publish-message.js";

/*
 * This package's operations. Every stream call runs through core's `runOperation` (the one road:
 * the signal checked inside the middleware stack, the call cancellable, errors mapped inside the
 * stack). A publish, the per-message path, walks the stack itself: see `publisher.ts`.
 */

/** What a stream operation is about, as middlewares see it. */
export interface StreamTarget {
  readonly kind: StreamOperationKind;
  /** The stream name; empty for `stream.list`. */
  readonly stream: string;
  readonly subject?: string;
  readonly seq?: number;
}

/**
 * Runs one stream call as a `stream.*` operation; `call` gets the JetStream manager and the
 * operation (to fill in what the call learns, such as a `getBatch` count). A missing
 * stream is `NotFoundError("stream", name)`, a delete of a missing message
 * `NotFoundError("message")` (see `streamError`).
 */
export function runStreamOperation<T>(
  conn: Connection,
  target: StreamTarget,
  signal: AbortSignal | undefined,
  call: (jsm: JetStreamManager, op: StreamOperation) => Promise<T>,
): Promise<T> {
  const op: StreamOperation = {
    kind: target.kind,
    client: conn.client,
    signal,
    stream: target.stream,
    ...(target.subject !== undefined ? { subject: target.subject } : {}),
    ...(target.seq !== undefined ? { seq: target.seq } : {}),
  };
  return runOperation(conn, op, async (o) => call(await conn.manager(), o), {
    signal,
    mapError: streamError,
  });
}

/** The `publish` operation of a prepared message; a middleware may change its headers. */
export function publishOperation(
  client: ClientInfo,
  message: PreparedMessage,
  signal: AbortSignal | undefined,
  async: boolean,
): PublishOperation {
  return {
    kind: "publish",
    client,
    signal,
    subject: message.subject,
    headers: message.headers,
    payload: message.payload,
    msgID: message.msgID,
    async,
    ttlMs: message.ttlMs,
    attempt: 1,
  };
}
