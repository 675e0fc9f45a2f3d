import { ConfigError, type Connection } from "@helix/nats-core";
import { schemaReasons } from "@helix/nats-core/internal";
import { consumeHealthReasons } from "./consumer-health.js";
import {
  type DeadLetterReason,
  DeadLetterStore,
  deadLetterReasons,
  deadLetterTarget,
} from "./dead-letter.js";
import { keepAliveInterval, longHandlerReasons } from "./keepalive.js";
import { takesAcks } from "./release.js";
import { RetryPolicy, retryReasons } from "./retry.js";
import type { ConsumeOptions, PullTarget } from "./types.js";

/*
 * What a consume does with a message whose handler failed: retry it later (a nak with a delay
 * from the retry policy), store it as a dead letter and term it, or term it. Resolved once per
 * consume from its options and the consumer's config.
 */

/** What to do with a failed message. */
export type FailureDecision =
  | { readonly action: "nak"; readonly delayMs: number }
  | { readonly action: "deadletter"; readonly reason: DeadLetterReason }
  | { readonly action: "term"; readonly reason: DeadLetterReason };

/** The failure handling of one consume. */
export interface FailurePolicy {
  readonly retry: RetryPolicy;
  /** Where dead letters go; `undefined` when dead letters are off. */
  readonly deadLetters: DeadLetterStore | undefined;
  /** The keepalive interval in ms; `undefined` when off. */
  readonly keepAliveMs: number | undefined;
  /** The per-message handler timeout in ms; `undefined` when none. */
  readonly timeoutMs: number | undefined;
}

/**
 * Checks how a consume handles its messages (`retry`, `deadLetter`, `keepAlive`, `timeoutMs`,
 * `schema`, `health`) at once: one `ConfigError` listing every problem with its path, before any
 * I/O.
 */
export function assertHandlingOptions(options: ConsumeOptions): void {
  const reasons = [
    ...retryReasons(options.retry, options.nakDelayMs),
    ...deadLetterReasons(options.deadLetter),
    ...longHandlerReasons(options.keepAlive, options.timeoutMs),
    ...schemaReasons(options.schema),
    ...consumeHealthReasons(options.health),
  ];
  if (reasons.length > 0) throw new ConfigError(reasons, { subject: "consume options" });
}

/** The failure policy of a consume on `target` (options validated already). */
export function failurePolicy(
  conn: Connection,
  target: PullTarget,
  options: ConsumeOptions,
): FailurePolicy {
  const dlq = deadLetterTarget(options.deadLetter, target.stream, target.name);
  return {
    retry: new RetryPolicy(options.retry, options.nakDelayMs, target.config),
    deadLetters: dlq === undefined ? undefined : new DeadLetterStore(conn, dlq),
    // No keepalive (and no check of its interval) on a consumer that takes no acks.
    keepAliveMs: takesAcks(target)
      ? keepAliveInterval(options.keepAlive, target.config.ack_wait)
      : undefined,
    timeoutMs: options.timeoutMs,
  };
}

/**
 * The decision for a message whose delivery number `deliveryCount` failed with `error`: a
 * permanent error or a failed last delivery (`max_deliver`) ends its retries, into the dead
 * letters when they are on. Without dead letters, a permanent error terms it (with the reason),
 * and a failed last delivery is nak'ed like the others: the server delivers it no more (it stays
 * in the stream, and the server's `MAX_DELIVERIES` advisory names it).
 * `delayMs` is the retry policy's delay, computed by the caller (it may throw).
 */
export function decideFailure(
  policy: FailurePolicy,
  deliveryCount: number,
  error: unknown,
  delayMs: () => number,
): FailureDecision {
  let permanent = false;
  try {
    permanent = policy.retry.isPermanent(error);
  } catch {
    // a throwing classifier retries: nothing is dropped on its word
  }
  if (permanent) {
    return policy.deadLetters !== undefined
      ? { action: "deadletter", reason: "permanent" }
      : { action: "term", reason: "permanent" };
  }
  if (policy.deadLetters !== undefined && policy.retry.isLastDelivery(deliveryCount)) {
    return { action: "deadletter", reason: "max_deliver" };
  }
  return { action: "nak", delayMs: delayMs() };
}
