import { ValidationError } from "@helix/nats-core";
import { assertBucketName, assertInteger, assertOptionalInteger } from "@helix/nats-core/internal";
import type { KeyValueConfig, WatchOptions } from "./types.js";

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
]);

/** Throws `ValidationError` for the first problem of a bucket configuration. */
export function assertKeyValueConfig(config: unknown): asserts config is KeyValueConfig {
  if (typeof config !== "object" || config === null) {
    throw new ValidationError("config", "bucket configuration must be an object");
  }
  const c = config as Record<string, unknown>;
  for (const field of Object.keys(c)) {
    if (!KNOWN_CONFIG_FIELDS.has(field)) {
      throw new ValidationError(field, `unknown bucket configuration field "${field}"`);
    }
  }
  assertBucketName(c.bucket);
  assertOptionalInteger(c.history, "history", 1, MAX_HISTORY);
  assertOptionalInteger(c.ttlMs, "ttlMs", 0);
  assertLimit(c.maxValueSize, "maxValueSize");
  assertLimit(c.maxBytes, "maxBytes");
  assertOptionalInteger(c.replicas, "replicas", 1, MAX_REPLICAS);
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
