import { ValidationError } from "@helix/nats-core";
import {
  assertBucketName,
  assertInteger,
  assertOptionalInteger,
  DEFAULT_RETRY,
} from "@helix/nats-core/internal";
import { assertLimitMarkerTtlMs } from "./key-ttl.js";
import type { KeyValueConfig, KeyValueRetryOptions, WatchOptions } from "./types.js";

/*
 * The checks of a call's input, made before any I/O: each throws `ValidationError` naming the
 * field. Keys and bucket names are checked with core's `assertKey`/`assertBucketName`,
 * revisions with core's `assertInteger` (min 1; 0 too for `update`).
 */

const MAX_HISTORY = 64;
const MAX_REPLICAS = 5;
const KNOWN_CONFIG_FIELDS = new Set([
  "bucket",
  "description",
  "history",
  "ttlMs",
  "maxValueSize",
  "maxBytes",
  "storage",
  "replicas",
  "limitMarkerTtlMs",
]);

/** Fields of other APIs a bucket configuration may be written with, and the field to use. */
const CONFIG_FIELD_HINTS: Readonly<Record<string, string>> = {
  ttl: "ttlMs (milliseconds)",
  max_age: "ttlMs (milliseconds; the server's max_age is in nanoseconds)",
  maxAge: "ttlMs (milliseconds)",
  maxAgeMs: "ttlMs (milliseconds)",
  markerTTL: "limitMarkerTtlMs (milliseconds)",
  markerTtlMs: "limitMarkerTtlMs (milliseconds)",
  limitMarkerTTL: "limitMarkerTtlMs (milliseconds)",
  subject_delete_marker_ttl: "limitMarkerTtlMs (milliseconds; the server's is in nanoseconds)",
};

/** Write retries with every default filled in. */
export interface ResolvedRetry {
  readonly budgetMs: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly onRetry: KeyValueRetryOptions["onRetry"];
}

/** The default retries of key-value writes: a publish's (30 s, enough for a restart or an election). */
export const DEFAULT_WRITE_RETRY: ResolvedRetry = Object.freeze({
  ...DEFAULT_RETRY,
  onRetry: undefined,
});

const NO_RETRY: ResolvedRetry = Object.freeze({ ...DEFAULT_WRITE_RETRY, budgetMs: 0 });

/**
 * Validates retry options and fills what they leave out from `base` (the manager's settings, or
 * the defaults); `false` turns retries off. Throws `ValidationError` naming the field.
 */
export function resolveRetry(
  retry: KeyValueRetryOptions | false | undefined,
  base: ResolvedRetry = DEFAULT_WRITE_RETRY,
): ResolvedRetry {
  if (retry === undefined) return base;
  if (retry === false) return NO_RETRY;
  if (typeof retry !== "object" || retry === null) {
    throw new ValidationError("retry", "retry must be an object or false", { value: retry });
  }
  const budgetMs = retry.budgetMs ?? base.budgetMs;
  const initialDelayMs = retry.initialDelayMs ?? base.initialDelayMs;
  const maxDelayMs = retry.maxDelayMs ?? Math.max(base.maxDelayMs, initialDelayMs);
  assertInteger(budgetMs, "retry.budgetMs", 0);
  assertInteger(initialDelayMs, "retry.initialDelayMs", 0);
  // the cap is at least the first delay
  assertInteger(maxDelayMs, "retry.maxDelayMs", initialDelayMs);
  const onRetry = retry.onRetry ?? base.onRetry;
  if (onRetry !== undefined && typeof onRetry !== "function") {
    throw new ValidationError("retry.onRetry", "retry.onRetry must be a function");
  }
  return { budgetMs, initialDelayMs, maxDelayMs, onRetry };
}

/** Throws `ValidationError` for the first problem of a bucket configuration. */
export function assertKeyValueConfig(config: unknown): asserts config is KeyValueConfig {
  if (typeof config !== "object" || config === null) {
    throw new ValidationError("config", "bucket configuration must be an object");
  }
  const c = config as Record<string, unknown>;
  for (const field of Object.keys(c)) {
    if (!KNOWN_CONFIG_FIELDS.has(field)) {
      const hint = CONFIG_FIELD_HINTS[field];
      throw new ValidationError(
        field,
        `unknown bucket configuration field "${field}"${hint ? `: use ${hint}` : ""}`,
      );
    }
  }
  assertBucketName(c.bucket);
  assertOptionalInteger(c.history, "history", 1, MAX_HISTORY);
  assertOptionalInteger(c.ttlMs, "ttlMs", 0);
  assertLimit(c.maxValueSize, "maxValueSize");
  assertLimit(c.maxBytes, "maxBytes");
  assertOptionalInteger(c.replicas, "replicas", 1, MAX_REPLICAS);
  assertLimitMarkerTtlMs(c.limitMarkerTtlMs);
  if (c.storage !== undefined && c.storage !== "file" && c.storage !== "memory") {
    throw new ValidationError("storage", `storage must be "file" or "memory"`, {
      value: c.storage,
    });
  }
  if (c.description !== undefined && typeof c.description !== "string") {
    throw new ValidationError("description", "description must be a string");
  }
}

/** Throws `ValidationError` for malformed or contradictory watch options. */
export function assertWatchOptions(options: WatchOptions): void {
  for (const flag of ["ignoreDeletes", "includeHistory", "updatesOnly", "metaOnly"] as const) {
    const v = options[flag];
    if (v !== undefined && typeof v !== "boolean") {
      throw new ValidationError(flag, `${flag} must be a boolean`, { value: v });
    }
  }
  if (options.includeHistory && options.updatesOnly) {
    throw new ValidationError("updatesOnly", "includeHistory and updatesOnly cannot be combined");
  }
  const resume = options.resumeFromRevision;
  if (resume !== undefined) {
    assertInteger(resume, "resumeFromRevision", 1);
    if (options.updatesOnly) {
      throw new ValidationError(
        "updatesOnly",
        "resumeFromRevision and updatesOnly cannot be combined",
      );
    }
  }
}

/** A size limit: a positive integer, or -1 for no limit (0 is refused, as the server does). */
function assertLimit(value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value === 0 || value < -1) {
    throw new ValidationError(field, `${field} must be a positive integer or -1 (no limit)`, {
      value,
    });
  }
}
