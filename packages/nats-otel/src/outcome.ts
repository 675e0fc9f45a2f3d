import { isHelixError, type Operation } from "@helix/nats-core";
import { type Span, SpanStatusCode } from "@opentelemetry/api";
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_NATS_KV_OUTCOME,
  ERROR_TYPE_VALUE_OTHER,
  MESSAGING_NATS_KV_OUTCOME_VALUE_KEY_EXISTS,
} from "./semconv.js";

/**
 * `error.type` for a failure, as the semantic conventions ask: a helix-nats error's stable `code`
 * (`TIMEOUT`, `NOT_FOUND`…), else the error's class name (`TypeError`, `Error`, or the name of a
 * subclass that left `name` as the inherited `"Error"`), else `_OTHER` (a thrown non-error, a
 * nameless error). Always low-cardinality: a class, never a message.
 */
export function errorType(err: unknown): string {
  if (isHelixError(err)) return err.code;
  if (!(err instanceof Error)) return ERROR_TYPE_VALUE_OTHER;
  const name: unknown = err.name;
  if (name === "Error") {
    // `class PaymentDeclined extends Error {}` keeps the name "Error": its constructor's is right.
    const cls: unknown = err.constructor?.name;
    return typeof cls === "string" && cls !== "" ? cls : name;
  }
  return typeof name === "string" && name !== "" ? name : ERROR_TYPE_VALUE_OTHER;
}

/**
 * An error that answers the question the caller asked rather than a failure: `kv.create` of a key
 * that exists. Its span keeps an UNSET status and carries `messaging.nats.kv.outcome` instead.
 * (A missing key on `get`, a duplicate publish and `null` from `getLastMsgForSubject` are not
 * thrown at all, so they never reach here.)
 */
export function expectedOutcome(op: Operation, err: unknown): string | undefined {
  if (op.kind === "kv.create" && isHelixError(err) && err.code === "KEY_EXISTS") {
    return MESSAGING_NATS_KV_OUTCOME_VALUE_KEY_EXISTS;
  }
  return undefined;
}

/** Marks `span` as failed by `err`: status ERROR with the message, `error.type`, the exception. */
export function recordFailure(span: Span, err: unknown, type: string): void {
  const message = err instanceof Error ? err.message : String(err);
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.recordException(err instanceof Error ? err : message);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** Notes an expected outcome on `span`, leaving its status UNSET. */
export function recordOutcome(span: Span, outcome: string): void {
  span.setAttribute(ATTR_MESSAGING_NATS_KV_OUTCOME, outcome);
}
