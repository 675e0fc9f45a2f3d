import { assertStreamName, assertSubject, ValidationError } from "@helix/nats-core";
import type { PublisherOptions, PublishOptions, RetryOptions } from "./publish-types.js";

/** Retry settings with every default filled in. */
export interface ResolvedRetry {
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly onRetry: RetryOptions["onRetry"];
}

/** Publisher settings with every default filled in. */
export interface ResolvedPublisherOptions {
  readonly maxPending: number;
  readonly retry: ResolvedRetry;
  readonly timeoutMs: number | undefined;
}

export const DEFAULT_MAX_PENDING = 4000;
export const DEFAULT_RETRY = { attempts: 4, initialDelayMs: 250, maxDelayMs: 2000 } as const;

/** Validates `createPublisher` options and fills defaults; throws `ValidationError`. */
export function resolvePublisherOptions(options: PublisherOptions = {}): ResolvedPublisherOptions {
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  assertPositiveInteger(maxPending, "maxPending");
  if (options.timeoutMs !== undefined) assertPositiveInteger(options.timeoutMs, "timeoutMs");
  const retry = options.retry === false ? { attempts: 1 } : (options.retry ?? {});
  const attempts = retry.attempts ?? DEFAULT_RETRY.attempts;
  const initialDelayMs = retry.initialDelayMs ?? DEFAULT_RETRY.initialDelayMs;
  const maxDelayMs = retry.maxDelayMs ?? Math.max(DEFAULT_RETRY.maxDelayMs, initialDelayMs);
  assertPositiveInteger(attempts, "retry.attempts");
  assertNonNegativeInteger(initialDelayMs, "retry.initialDelayMs");
  assertNonNegativeInteger(maxDelayMs, "retry.maxDelayMs");
  if (maxDelayMs < initialDelayMs) {
    throw new ValidationError(
      "retry.maxDelayMs",
      `retry.maxDelayMs (${maxDelayMs}) must not be below retry.initialDelayMs (${initialDelayMs})`,
      { value: maxDelayMs },
    );
  }
  const onRetry = "onRetry" in retry ? retry.onRetry : undefined;
  if (onRetry !== undefined && typeof onRetry !== "function") {
    throw new ValidationError("retry.onRetry", "retry.onRetry must be a function");
  }
  return {
    maxPending,
    retry: { attempts, initialDelayMs, maxDelayMs, onRetry },
    timeoutMs: options.timeoutMs,
  };
}

/** Validates the subject and per-call options of a publish; throws `ValidationError`. */
export function assertPublishArguments(subject: unknown, options: PublishOptions): void {
  assertSubject(subject, "publish");
  if (options.msgID !== undefined && (typeof options.msgID !== "string" || options.msgID === "")) {
    throw new ValidationError("msgID", "msgID must be a non-empty string", {
      value: options.msgID,
    });
  }
  if (options.timeoutMs !== undefined) assertPositiveInteger(options.timeoutMs, "timeoutMs");
  const expect = options.expect;
  if (expect === undefined) return;
  if (expect.stream !== undefined) assertStreamName(expect.stream);
  if (expect.lastSequence !== undefined)
    assertNonNegativeInteger(expect.lastSequence, "expect.lastSequence");
  if (expect.lastSubjectSequence !== undefined)
    assertNonNegativeInteger(expect.lastSubjectSequence, "expect.lastSubjectSequence");
  if (
    expect.lastMsgID !== undefined &&
    (typeof expect.lastMsgID !== "string" || expect.lastMsgID === "")
  ) {
    throw new ValidationError("expect.lastMsgID", "expect.lastMsgID must be a non-empty string", {
      value: expect.lastMsgID,
    });
  }
}

/** Throws `ValidationError` unless `value` is an integer ≥ 1. */
export function assertPositiveInteger(value: unknown, field: string): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(field, `${field} must be a positive integer, got ${String(value)}`, {
      value,
    });
  }
}

/** Throws `ValidationError` unless `value` is an integer ≥ 0. */
export function assertNonNegativeInteger(value: unknown, field: string): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(
      field,
      `${field} must be a non-negative integer, got ${String(value)}`,
      { value },
    );
  }
}
