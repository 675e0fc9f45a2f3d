import { type Connection, HelixError } from "@helix/nats-core";
import { encodePayload } from "@helix/nats-core/internal";
import { headers as createHeaders } from "@nats-io/transport-node";
import { SERVICE_ERROR_CODE_HEADER, SERVICE_ERROR_HEADER, serviceErrorFor } from "./errors.js";
import type { Message } from "./message.js";
import { type CorePublisher, EMPTY, isPromiseLike } from "./operation.js";
import type { ProcessMessage } from "./subscription.js";
import type { HandlerContext, ReplyHandler } from "./types.js";

/**
 * What a reply subscription does with each request: runs `handler`, then sends its result as the
 * response (a `core.publish` to the request's inbox, inside the `core.process` operation, so it
 * is traced as the handler's child). A throw sends an error response instead, with the
 * `Nats-Service-Error-Code` and `Nats-Service-Error` headers, and still fails the operation (and
 * reaches `onError`), so the failure is recorded on both sides.
 */
export function replyProcess(
  conn: Connection,
  publisher: CorePublisher,
  handler: ReplyHandler,
): ProcessMessage {
  const respond = (msg: Message, result: unknown): Promise<void> => {
    let payload = EMPTY;
    let json = false;
    try {
      if (result !== undefined) ({ bytes: payload, json } = encodePayload(result, "response"));
      const max = conn.nats.info?.max_payload;
      if (max !== undefined && payload.length > max) {
        throw new HelixError(
          `the response is ${payload.length} bytes, more than the server's max_payload of ${max} bytes`,
          "VALIDATION",
        );
      }
    } catch (err) {
      return failWith(publisher, msg, err);
    }
    if (msg.reply === undefined) return Promise.reject(noReplySubject(msg));
    // Headers only when there is one to send, or a middleware may add the trace context.
    const headers = json ? createHeaders() : undefined;
    if (headers !== undefined) headers.set("Content-Type", "application/json");
    return publisher.publish(msg.reply, { headers, payload }, true);
  };
  // A handler that answers synchronously is answered without a promise of its own.
  return (msg: Message, ctx: HandlerContext): Promise<void> => {
    let result: unknown;
    try {
      result = handler(msg, ctx);
    } catch (err) {
      return failWith(publisher, msg, err);
    }
    if (!isPromiseLike(result)) return respond(msg, result);
    return Promise.resolve(result).then(
      (value) => respond(msg, value),
      (err: unknown) => failWith(publisher, msg, err),
    );
  };
}

/** Sends the error response for `err`, then rejects with it (the operation fails too). */
function failWith(publisher: CorePublisher, msg: Message, err: unknown): Promise<never> {
  return respondWithError(publisher, msg, err).then(() => Promise.reject(err));
}

async function respondWithError(
  publisher: CorePublisher,
  msg: Message,
  err: unknown,
): Promise<void> {
  if (msg.reply === undefined) return;
  const { code, description } = serviceErrorFor(err);
  const headers = createHeaders();
  headers.set(SERVICE_ERROR_CODE_HEADER, String(code));
  // Header values are one line.
  headers.set(SERVICE_ERROR_HEADER, description.replace(/[\r\n]+/g, " "));
  try {
    await publisher.publish(msg.reply, { headers, payload: EMPTY }, true);
  } catch {
    // The caller times out instead; the handler's own error is what onError reports.
  }
}

function noReplySubject(msg: Message): HelixError {
  return new HelixError(
    `reply "${msg.subject}": the message has no reply subject (it was published, not requested), so the result was not sent`,
    "VALIDATION",
  );
}
