import {
  type Connection,
  HelixError,
  type JetStreamApiError,
  JetStreamCodes,
  type LimitExceededError,
  NotFoundError,
  type StreamOperation,
  toHelixError,
} from "@helix/nats-core";
import { explainLimitFromServer } from "@helix/nats-core/internal";

/*
 * This package's error mapping and explanations: what a client error means for a stream call, and
 * a publish refused by a stream limit restated with the limit's value. Both run inside the
 * middleware stack, so middlewares see the error the caller gets.
 */

/** The codes of a failed message delete, which the server also answers for a missing sequence. */
const MSG_DELETE_FAILED: ReadonlySet<number> = new Set([
  JetStreamCodes.StreamGeneralError,
  JetStreamCodes.StreamMsgDeleteFailed,
]);

/**
 * The error of a failed `stream.*` operation: a client error as a typed helix error, where a
 * missing stream is `NotFoundError("stream", name)` and a delete of a missing message is
 * `NotFoundError("message")`.
 */
export function streamError(err: unknown, op: StreamOperation): HelixError {
  const error = toHelixError(err, {
    what: "stream",
    resource: op.stream === "" ? undefined : op.stream,
    operation: op.kind,
  });
  if (
    (op.kind === "stream.deleteMsg" || op.kind === "stream.secureDeleteMsg") &&
    op.seq !== undefined
  ) {
    return missingMessageError(error, op.stream, op.seq);
  }
  return error;
}

/**
 * Restates a publish refused by a stream limit with the limit's value, read from the
 * configuration of the stream that listens on `subject` (the server's text names no number).
 * When that lookup fails, the server's own error is returned unchanged.
 */
export async function explainStreamLimit(
  conn: Connection,
  subject: string,
  err: LimitExceededError,
): Promise<LimitExceededError> {
  return explainLimitFromServer(
    conn,
    err,
    { what: "stream", operation: "publish" },
    async (jsm) => {
      const name = await jsm.streams.find(subject);
      return { name, stream: name };
    },
  );
}

/**
 * The server answers a delete of a missing sequence with a generic failure code: 10043
 * "sequence N not found", or 10057 "stream store EOF" past the last sequence (newer servers:
 * 10057 "no message found"). Surface it as
 * `NotFoundError("message")`; any other error is returned as it is.
 */
function missingMessageError(err: HelixError, stream: string, seq: number): HelixError {
  if (
    err.code === "JETSTREAM_API" &&
    MSG_DELETE_FAILED.has((err as JetStreamApiError).apiCode) &&
    /not found|no message found|store EOF/i.test(err.message)
  ) {
    return new NotFoundError("message", `${stream} #${seq}`, { cause: err.cause ?? err });
  }
  return err;
}

/**
 * The error of a publish to a subject no stream listens on (the JetStream API confirmed it after a
 * no-responders): `NotFoundError("stream")` with no resource, since no stream is missing by name,
 * and a message naming the subject.
 */
export function noStreamForSubject(subject: string, cause: HelixError): NotFoundError {
  const error = new NotFoundError("stream", undefined, { cause });
  // TODO(core): a `message` option on NotFoundError; its constructor words only a named resource.
  const message = `publish: no stream listens on subject "${subject}"`;
  error.stack = error.stack?.replace(error.message, message);
  error.message = message;
  return error;
}

/**
 * An atomic batch (`publisher.batch()`) the server refused: nothing of it was stored. `cause` is
 * the server's error as a typed helix error (a `JetStreamApiError` with its `apiCode`: 10174
 * atomic publish disabled on the stream, 10176 batch incomplete, 10199 batch too large, 10177
 * unsupported header, 10201 duplicate message id, 10210 too many batches in flight; or a
 * `WrongRevisionError`, a `LimitExceededError`). A commit that timed out is a `TimeoutError`
 * instead: the server may have stored the batch.
 */
export class BatchPublishError extends HelixError {
  /** The batch's id (`Nats-Batch-Id`). */
  readonly batchId: string;
  /** How many messages the batch had. */
  readonly size: number;
  /** The server's API error code, when it gave one. */
  readonly apiCode: number | undefined;

  constructor(
    message: string,
    options: { batchId: string; size: number; cause?: HelixError | undefined },
  ) {
    super(message, "JETSTREAM_API", { cause: options.cause });
    this.batchId = options.batchId;
    this.size = options.size;
    const apiCode = (options.cause as { apiCode?: unknown } | undefined)?.apiCode;
    this.apiCode = typeof apiCode === "number" ? apiCode : undefined;
  }
}
