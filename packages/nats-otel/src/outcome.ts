import { isHelixError, type Operation } from "@helix/nats-core";
import { type Span, SpanStatusCode } from "@opentelemetry/api";
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_NATS_KV_OUTCOME,
  ERROR_TYPE_VALUE_OTHER,
  MESSAGING_NATS_KV_OUTCOME_VALUE_KEY_EXISTS,
} from "./semconv.js";

/**
 * `error.type` for a failure: a helix-nats error's stable `code` (`TIMEOUT`, `NOT_FOUND`…), else
 * the error's class name (`TypeError`), else `_OTHER`. Always low-cardinality.
 */
export function errorType(err: unknown): string {
  if (isHelixError(err)) return err.code;
  if (err instanceof Error && err.name !== "" && err.name !== "Error") return err.name;
  return ERROR_TYPE_VALUE_OTHER;
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
