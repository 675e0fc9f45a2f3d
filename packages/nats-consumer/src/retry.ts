import { type ConfigReason, isHelixError } from "@helix/nats-core";
import { NANOS_PER_MS } from "@helix/nats-core/internal";
import { defaultNakDelay, nakDelayFor } from "./nak-delay.js";
import type { NakDelay, RetryOptions } from "./types.js";

/*
 * Paced retries: the nak delay of a failed message by its delivery count, and which errors are
 * permanent (never retried). Everything is decided from the options and the consumer config the
 * handle already has: no round trip per message.
 */

/** Defaults of the exponential curve (`retry` without `delaysMs`), the same as `defaultNakDelay`. */
export const DEFAULT_RETRY_CURVE: Readonly<RetryCurve> = Object.freeze({
  initialDelayMs: 1_000,
  multiplier: 2,
  maxDelayMs: 30_000,
  jitter: 0,
});

/** Error codes that say the run is ending, not that the message is bad: never permanent. */
const NOT_THE_MESSAGE = new Set([
  "CANCELLED",
  "CONNECTION_CLOSED",
  "CONNECTION_DRAINING",
  "CONNECTION_FAILED",
  "MIDDLEWARE",
]);

/**
 * The default `retry.isPermanent`: a helix-nats error that `isRetryable` says is not retryable
 * (`DecodeError`, `ValidationError`, `NotFoundError`…), unless it says the run is ending (a
 * cancellation, a closed or draining connection). A plain `Error` or any other thrown value is
 * not permanent: it is retried.
 */
export function isPermanentError(error: unknown): boolean {
  return isHelixError(error) && !error.retryable && !NOT_THE_MESSAGE.has(error.code);
}

/** An exponential retry curve. */
export interface RetryCurve {
  /** The first delay, in ms. */
  initialDelayMs: number;
  /** The factor per further delivery. */
  multiplier: number;
  /** The longest delay, in ms. */
  maxDelayMs: number;
  /** The share of a delay taken off at random, 0 to 1. */
  jitter: number;
}

/** What a consume needs of its consumer's config to pace retries. */
export interface RetryConsumerConfig {
  /** The consumer's `backoff`, in nanoseconds. */
  readonly backoff?: readonly number[] | undefined;
  /** The consumer's `max_deliver` (-1 or absent: unlimited). */
  readonly max_deliver?: number | undefined;
}

/** The retry policy of one consume, resolved once from its options and its consumer's config. */
export class RetryPolicy {
  readonly #delaysMs: readonly number[] | undefined;
  readonly #nakDelay: NakDelay | undefined;
  readonly #curve: RetryCurve | undefined;
  readonly #random: () => number;
  /** The consumer's `max_deliver`, or `Infinity`. */
  readonly maxDeliver: number;
  /** Decides whether an error is permanent. */
  readonly isPermanent: (error: unknown) => boolean;

  constructor(
    retry: RetryOptions | undefined,
    nakDelayMs: NakDelay | undefined,
    config: RetryConsumerConfig,
    random: () => number = Math.random,
  ) {
    const backoff = config.backoff;
    const useBackoff = retry?.useConsumerBackoff ?? true;
    if (useBackoff && Array.isArray(backoff) && backoff.length > 0) {
      this.#delaysMs = backoff.map((ns) => Math.floor(ns / NANOS_PER_MS));
    } else if (retry?.delaysMs !== undefined) {
      this.#delaysMs = [...retry.delaysMs];
    } else if (retry !== undefined && nakDelayMs === undefined) {
      this.#curve = {
        initialDelayMs: retry.initialDelayMs ?? DEFAULT_RETRY_CURVE.initialDelayMs,
        multiplier: retry.multiplier ?? DEFAULT_RETRY_CURVE.multiplier,
        maxDelayMs: retry.maxDelayMs ?? DEFAULT_RETRY_CURVE.maxDelayMs,
        jitter: retry.jitter ?? DEFAULT_RETRY_CURVE.jitter,
      };
    }
    this.#nakDelay = nakDelayMs;
    this.#random = random;
    const max = config.max_deliver;
    this.maxDeliver = typeof max === "number" && max > 0 ? max : Number.POSITIVE_INFINITY;
    this.isPermanent = retry?.isPermanent ?? isPermanentError;
  }

  /** True when `deliveryCount` is the consumer's last delivery (`max_deliver`). */
  isLastDelivery(deliveryCount: number): boolean {
    return deliveryCount >= this.maxDeliver;
  }

  /**
   * The nak delay, in ms, after delivery number `deliveryCount` failed. A `nakDelayMs` function
   * that throws throws here (the caller reports it and takes `defaultNakDelay`).
   */
  delayMs(deliveryCount: number): number {
    const steps = this.#delaysMs;
    if (steps !== undefined) {
      const index = Math.min(Math.max(deliveryCount, 1), steps.length) - 1;
      return steps[index] ?? 0;
    }
    const curve = this.#curve;
    if (curve === undefined) return nakDelayFor(this.#nakDelay, deliveryCount);
    const exponent = Math.max(0, deliveryCount - 1);
    const full = Math.min(curve.maxDelayMs, curve.initialDelayMs * curve.multiplier ** exponent);
    return Math.floor(full * (1 - curve.jitter * this.#random()));
  }

  /** The delay when `delayMs` threw. */
  fallbackDelayMs(deliveryCount: number): number {
    return defaultNakDelay(deliveryCount);
  }
}

/** Every problem of a `retry` option (and its combination with `nakDelayMs`), with its path. */
export function retryReasons(retry: unknown, nakDelayMs: unknown): ConfigReason[] {
  if (retry === undefined) return [];
  if (typeof retry !== "object" || retry === null || Array.isArray(retry)) {
    return [{ message: "retry must be an object", path: ["retry"] }];
  }
  const reasons: ConfigReason[] = [];
  const r = retry as Record<string, unknown>;
  if (nakDelayMs !== undefined) {
    reasons.push({
      message: "set retry or nakDelayMs (its older form), not both",
      path: ["nakDelayMs"],
    });
  }
  const curveFields = ["initialDelayMs", "multiplier", "maxDelayMs", "jitter"].filter(
    (f) => r[f] !== undefined,
  );
  if (r.delaysMs !== undefined) {
    if (!Array.isArray(r.delaysMs) || r.delaysMs.length === 0) {
      reasons.push({
        message: "retry.delaysMs must be a non-empty array of milliseconds",
        path: ["retry", "delaysMs"],
      });
    } else {
      r.delaysMs.forEach((d, i) => {
        if (!isNonNegativeInteger(d)) {
          reasons.push({
            message: "each delay must be a non-negative integer number of milliseconds",
            path: ["retry", "delaysMs", i],
          });
        }
      });
    }
    for (const f of curveFields) {
      reasons.push({
        message: `retry.${f} is for the exponential curve: set delaysMs or the curve, not both`,
        path: ["retry", f],
      });
    }
  }
  for (const f of ["initialDelayMs", "maxDelayMs"] as const) {
    if (r[f] !== undefined && !isNonNegativeInteger(r[f])) {
      reasons.push({
        message: `retry.${f} must be a non-negative integer number of milliseconds`,
        path: ["retry", f],
      });
    }
  }
  if (r.multiplier !== undefined && !(isFiniteNumber(r.multiplier) && r.multiplier >= 1)) {
    reasons.push({
      message: "retry.multiplier must be a number of at least 1",
      path: ["retry", "multiplier"],
    });
  }
  if (r.jitter !== undefined && !(isFiniteNumber(r.jitter) && r.jitter >= 0 && r.jitter <= 1)) {
    reasons.push({
      message: "retry.jitter must be a number from 0 to 1",
      path: ["retry", "jitter"],
    });
  }
  if (
    isNonNegativeInteger(r.initialDelayMs) &&
    isNonNegativeInteger(r.maxDelayMs) &&
    r.maxDelayMs < r.initialDelayMs
  ) {
    reasons.push({
      message: "retry.maxDelayMs must be at least retry.initialDelayMs",
      path: ["retry", "maxDelayMs"],
    });
  }
  if (r.useConsumerBackoff !== undefined && typeof r.useConsumerBackoff !== "boolean") {
    reasons.push({
      message: "retry.useConsumerBackoff must be a boolean",
      path: ["retry", "useConsumerBackoff"],
    });
  }
  if (r.isPermanent !== undefined && typeof r.isPermanent !== "function") {
    reasons.push({
      message: "retry.isPermanent must be a function",
      path: ["retry", "isPermanent"],
    });
  }
  const known = new Set([
    "delaysMs",
    "initialDelayMs",
    "multiplier",
    "maxDelayMs",
    "jitter",
    "useConsumerBackoff",
    "isPermanent",
  ]);
  for (const key of Object.keys(r)) {
    if (!known.has(key))
      reasons.push({ message: `unknown retry option "${key}"`, path: ["retry", key] });
  }
  return reasons;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
