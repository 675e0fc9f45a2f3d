import {
  CancelledError,
  ConnectionError,
  HelixError,
  isHelixError,
  JetStreamApiError,
  JetStreamUnavailableError,
  LimitExceededError,
  type LimitName,
  NotFoundError,
  type NotFoundKind,
  PermissionError,
  TimeoutError,
  ValidationError,
  WrongRevisionError,
} from "./errors.js";

/** JetStream API error codes that helix-nats maps to its own classes. */
export const JetStreamCodes = {
  /** JetStream is not enabled for the account (`JetStreamUnavailableError`, not retryable). */
  JetStreamNotEnabledForAccount: 10039,
  /** JetStream is temporarily unavailable (`JetStreamUnavailableError`, retryable). */
  JetStreamTemporarilyUnavailable: 10008,
  /** The consumer does not exist (`NotFoundError`). */
  ConsumerNotFound: 10014,
  /** The stream does not exist (`NotFoundError`). */
  StreamNotFound: 10059,
  /** No message at that sequence or for that subject (`NotFoundError`, `what: "message"`). */
  NoMessageFound: 10037,
  /** An expected last sequence (or KV revision) is stale (`WrongRevisionError`). */
  StreamWrongLastSequence: 10071,
  /** The same, on newer servers when the last sequence is unknown (`WrongRevisionError`). */
  StreamWrongLastSequenceUnknown: 10164,
  /** The message is larger than the stream's `max_msg_size` (`LimitExceededError`). */
  MessageExceedsMaximum: 10054,
  /** The stream refused to store it; a full discard-new stream is a `LimitExceededError`. */
  StreamStoreFailed: 10077,
  /** A stream (or bucket) of that name exists with another configuration. */
  StreamNameInUse: 10058,
  /** A message delete failed; the server says so for a sequence that is not there. */
  StreamMsgDeleteFailed: 10057,
  /** A generic stream failure; a delete of a missing sequence answers it on some servers. */
  StreamGeneralError: 10043,
} as const;

/** What the server says (code 10077) when a discard-new stream is full, by limit. */
const STORE_LIMITS: readonly [string, LimitName][] = [
  ["maximum messages per subject exceeded", "max_msgs_per_subject"],
  ["maximum messages exceeded", "max_msgs"],
  ["maximum bytes exceeded", "max_bytes"],
];

/** What the failed operation was about, so a not-found error can say which resource was missing. */
export interface ErrorContext {
  /** The kind of resource a "not found" refers to when the error itself does not say. */
  what?: NotFoundKind;
  /** Its name (stream, consumer, bucket or key). */
  resource?: string;
  /** A short description of the operation for messages, e.g. `"stream.create"`. */
  operation?: string;
  /**
   * The stream the operation works on, when `what` names something inside it (a consumer): a
   * "stream not found" then names this stream.
   */
  stream?: string;
}

interface ClientErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  status?: unknown;
  cause?: unknown;
  isNoResponders?: () => boolean;
}

/**
 * Maps an error thrown by the NATS client (or anything else) to the matching helix-nats error.
 * The client's error is kept as `cause`. Errors that already are helix-nats errors pass through.
 * Matching is by `name` and `code`, never `instanceof`, so any copy of the client is understood.
 */
export function toHelixError(err: unknown, context: ErrorContext = {}): HelixError {
  if (isHelixError(err)) return err;
  if (typeof err !== "object" || err === null) {
    return new HelixError(prefix(context, String(err)), "NATS", { cause: err });
  }
  const e = err as ClientErrorShape;
  const name = typeof e.name === "string" ? e.name : "";
  const message = typeof e.message === "string" ? e.message : String(err);
  const opts = { cause: err };

  switch (name) {
    case "AbortError":
      return new CancelledError(prefix(context, "cancelled"), opts);
    case "TimeoutError":
      return new TimeoutError(prefix(context, "timed out waiting for the server"), opts);
    case "NoRespondersError":
      return noResponders(context, err);
    case "RequestError":
      if (typeof e.isNoResponders === "function" && e.isNoResponders()) {
        return noResponders(context, err);
      }
      if (isNamed(e.cause, "TimeoutError")) {
        return new TimeoutError(prefix(context, "timed out waiting for the server"), opts);
      }
      if (isNamed(e.cause, "NoRespondersError")) return noResponders(context, err);
      // The client fails every request still waiting when the connection closes (or a drain
      // closes the reply subscription): the request may have been applied.
      if (message === "connection closed") {
        return new ConnectionError(
          prefix(context, "the connection closed before the server answered"),
          { ...opts, code: "CONNECTION_CLOSED" },
        );
      }
      // A request to a subject the server's permissions deny (a JetStream publish is one).
      if (isNamed(e.cause, "PermissionViolationError")) {
        return new PermissionError(prefix(context, message), opts);
      }
      break;
    case "JetStreamNotEnabled":
      // The client uses this name for two failures: no responders (JetStream not ready or
      // electing a leader: transient) and API code 10039 (not enabled for the account: final).
      if (codeOf(e.cause) === JetStreamCodes.JetStreamNotEnabledForAccount) {
        return new JetStreamUnavailableError(prefix(context, message), {
          ...opts,
          retryable: false,
        });
      }
      return new JetStreamUnavailableError(
        prefix(context, `JetStream is not available (${message}); it may be electing a leader`),
        opts,
      );
    case "ClosedConnectionError":
      return new ConnectionError(prefix(context, "the connection is closed"), {
        ...opts,
        code: "CONNECTION_CLOSED",
      });
    case "DrainingConnectionError":
      return new ConnectionError(prefix(context, "the connection is draining"), {
        ...opts,
        code: "CONNECTION_DRAINING",
      });
    case "AuthorizationError":
    case "UserAuthenticationExpiredError":
      return new ConnectionError(prefix(context, `the server refused the client: ${message}`), {
        ...opts,
        code: "AUTHORIZATION_FAILED",
      });
    case "ConnectionError":
      return new ConnectionError(prefix(context, message), opts);
    case "PermissionViolationError":
      return new PermissionError(prefix(context, message), opts);
    case "InvalidSubjectError":
      return new ValidationError("subject", prefix(context, message), opts);
    case "InvalidNameError":
      return new ValidationError("name", prefix(context, message), opts);
    case "InvalidArgumentError":
      return new ValidationError("argument", prefix(context, message), opts);
    case "StreamNotFoundError":
      return streamNotFound(context, err);
    case "ConsumerNotFoundError":
      return consumerNotFound(context, err);
    case "JetStreamStatusError":
    case "JetStreamError": {
      const fromStatus = fromPullStatus(message, context, err);
      if (fromStatus) return fromStatus;
      break;
    }
  }

  if (typeof e.code === "number" && (name === "JetStreamApiError" || e.code >= 10000)) {
    return fromApiCode(
      e.code,
      message,
      context,
      err,
      typeof e.status === "number" ? e.status : undefined,
    );
  }
  return new HelixError(prefix(context, message), "NATS", opts);
}

function fromApiCode(
  code: number,
  message: string,
  context: ErrorContext,
  cause: unknown,
  status: number | undefined,
): HelixError {
  const opts = { cause };
  switch (code) {
    case JetStreamCodes.StreamNotFound:
      return streamNotFound(context, cause);
    case JetStreamCodes.ConsumerNotFound:
      return consumerNotFound(context, cause);
    case JetStreamCodes.NoMessageFound:
      return new NotFoundError("message", undefined, opts);
    case JetStreamCodes.StreamWrongLastSequence:
    case JetStreamCodes.StreamWrongLastSequenceUnknown:
      return new WrongRevisionError(prefix(context, message), { ...opts, apiCode: code });
    case JetStreamCodes.JetStreamTemporarilyUnavailable:
      return new JetStreamUnavailableError(prefix(context, message), opts);
    case JetStreamCodes.JetStreamNotEnabledForAccount:
      return new JetStreamUnavailableError(prefix(context, message), { ...opts, retryable: false });
    case JetStreamCodes.MessageExceedsMaximum:
      return new LimitExceededError(prefix(context, message), "max_msg_size", {
        ...opts,
        apiCode: code,
      });
    case JetStreamCodes.StreamStoreFailed: {
      const text = message.toLowerCase();
      const limit = STORE_LIMITS.find(([phrase]) => text.includes(phrase))?.[1];
      if (limit)
        return new LimitExceededError(prefix(context, message), limit, { ...opts, apiCode: code });
      return new JetStreamApiError(prefix(context, message), code, { ...opts, status });
    }
    default:
      return new JetStreamApiError(prefix(context, message), code, { ...opts, status });
  }
}

/**
 * A missing stream. A key-value bucket is a stream, so when the call was about a bucket the
 * error says "bucket"; when it was about a consumer, the context's `stream` is the one missing.
 */
function streamNotFound(context: ErrorContext, cause: unknown): NotFoundError {
  if (context.what === "bucket") return new NotFoundError("bucket", context.resource, { cause });
  const name = context.what === "stream" ? context.resource : context.stream;
  return new NotFoundError("stream", name, { cause });
}

function consumerNotFound(context: ErrorContext, cause: unknown): NotFoundError {
  const name = context.what === "consumer" ? context.resource : undefined;
  return new NotFoundError("consumer", name, { cause });
}

/**
 * Pull requests end with status messages, not API errors: the client reports them by their
 * description (409 "consumer deleted", 404 "consumer not found", 409 "stream deleted", 409
 * "idle heartbeats missed", 503 "no responders") or, when its own heartbeat check fails, as
 * "heartbeats missed".
 */
function fromPullStatus(
  message: string,
  context: ErrorContext,
  cause: unknown,
): HelixError | undefined {
  const description = message.toLowerCase();
  if (description.includes("consumer deleted") || description === "consumer not found") {
    return consumerNotFound(context, cause);
  }
  if (description.includes("stream deleted") || description === "stream not found") {
    return streamNotFound(context, cause);
  }
  if (description.endsWith("heartbeats missed")) {
    return new TimeoutError(prefix(context, "heartbeats from the server were missed"), { cause });
  }
  // Servers from 2.10 answer a pull on a consumer that does not exist with a 503 status.
  if (description === "no responders" || codeOf(cause) === 503) {
    return noResponders(context, cause);
  }
  return undefined;
}

function codeOf(value: unknown): unknown {
  return typeof value === "object" && value !== null
    ? (value as { code?: unknown }).code
    : undefined;
}

function noResponders(context: ErrorContext, cause: unknown): JetStreamUnavailableError {
  return new JetStreamUnavailableError(
    prefix(context, "no responders: JetStream is not enabled, not ready, or electing a leader"),
    { cause },
  );
}

function isNamed(value: unknown, name: string): boolean {
  return typeof value === "object" && value !== null && (value as { name?: unknown }).name === name;
}

function prefix(context: ErrorContext, message: string): string {
  return context.operation ? `${context.operation}: ${message}` : message;
}
