import {
  type Connection,
  type HelixError,
  type StreamOperation,
  type StreamOperationKind,
  toHelixError,
} from "@helix/nats-core";
import { abortable, throwIfAborted } from "@helix/nats-core/internal";
import type { JetStreamManager } from "@nats-io/jetstream";

/** What a stream operation is about, as middlewares see it. */
export interface StreamTarget {
  readonly kind: StreamOperationKind;
  /** The stream name; empty for `stream.list`. */
  readonly stream: string;
  readonly subject?: string;
  readonly seq?: number;
}

/**
 * Runs one stream call through the middleware stack as a `stream.*` operation. Client errors
 * are mapped to typed helix errors inside the terminal (so middlewares see them typed); a
 * missing stream is `NotFoundError("stream", name)`. `refine` may turn the mapped error into a
 * more precise one, still inside the terminal, so middlewares see what the caller will get.
 */
export async function runStreamOperation<T>(
  conn: Connection,
  target: StreamTarget,
  signal: AbortSignal | undefined,
  call: (jsm: JetStreamManager) => Promise<T>,
  refine: (err: HelixError) => HelixError = (err) => err,
): Promise<T> {
  const op: StreamOperation = {
    kind: target.kind,
    client: conn.client,
    signal,
    stream: target.stream,
    ...(target.subject !== undefined ? { subject: target.subject } : {}),
    ...(target.seq !== undefined ? { seq: target.seq } : {}),
  };
  const context = {
    what: "stream" as const,
    resource: target.stream === "" ? undefined : target.stream,
    operation: target.kind,
  };
  try {
    return await conn.run(op, async () => {
      try {
        throwIfAborted(signal, target.kind);
        const jsm = await conn.manager();
        return await abortable(call(jsm), signal, target.kind);
      } catch (err) {
        throw refine(toHelixError(err, context));
      }
    });
  } catch (err) {
    throw toHelixError(err, context);
  }
}
