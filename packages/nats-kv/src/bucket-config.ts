import { ValidationError } from "@helix/nats-core";
import { assertBucketName } from "@helix/nats-core/internal";
import type { KvOptions } from "@nats-io/kv";
import type { KeyValueStatus } from "./status.js";

/** The configuration of a new bucket. */
export interface KeyValueConfig {
  /** The bucket name: letters, digits, `-` and `_`. */
  bucket: string;
  /** A free-text description, stored with the bucket's stream. */
  description?: string;
  /** Entries kept per key, 1 to 64. Default 1. */
  history?: number;
  /** How long an entry lives, in milliseconds; 0 (the default) keeps entries for ever. */
  ttlMs?: number;
  /** Largest value accepted, in bytes; -1 (the default) for no limit. */
  maxValueSize?: number;
  /** Largest bucket size, in bytes; -1 (the default) for no limit. */
  maxBytes?: number;
  /** Where the bucket is stored. Default `"file"`. */
  storage?: "file" | "memory";
  /** Copies kept in a cluster, 1 to 5. Default 1. */
  replicas?: number;
}

const MAX_HISTORY = 64;
const KNOWN = new Set([
  "bucket",
  "description",
  "history",
  "ttlMs",
  "maxValueSize",
  "maxBytes",
  "storage",
  "replicas",
]);

/** Throws `ValidationError` (before any I/O) for the first problem of a bucket configuration. */
export function assertKeyValueConfig(config: unknown): asserts config is KeyValueConfig {
  if (typeof config !== "object" || config === null) {
    throw new ValidationError("config", "bucket configuration must be an object");
  }
  const c = config as Record<string, unknown>;
  for (const field of Object.keys(c)) {
    if (!KNOWN.has(field)) {
      throw new ValidationError(field, `unknown bucket configuration field "${field}"`);
    }
  }
  assertBucketName(c.bucket);
  integerIn(c, "history", 1, MAX_HISTORY);
  integerIn(c, "ttlMs", 0, Number.MAX_SAFE_INTEGER);
  limit(c, "maxValueSize");
  limit(c, "maxBytes");
  integerIn(c, "replicas", 1, 5);
  if (c.storage !== undefined && c.storage !== "file" && c.storage !== "memory") {
    throw new ValidationError("storage", `storage must be "file" or "memory"`, {
      value: c.storage,
    });
  }
  if (c.description !== undefined && typeof c.description !== "string") {
    throw new ValidationError("description", "description must be a string");
  }
}

/** The client's options for a validated configuration (a fresh object: the client mutates it). */
export function toKvOptions(config: KeyValueConfig): Partial<KvOptions> {
  return {
    history: config.history ?? 1,
    ttl: config.ttlMs ?? 0,
    maxValueSize: config.maxValueSize ?? -1,
    max_bytes: config.maxBytes ?? -1,
    storage: config.storage ?? "file",
    replicas: config.replicas ?? 1,
    ...(config.description !== undefined ? { description: config.description } : {}),
  } as Partial<KvOptions>;
}

/**
 * The fields of `config` that differ from an existing bucket's status, for `create` of a bucket
 * that already exists. Only fields the caller set are compared.
 */
export function configDifferences(config: KeyValueConfig, status: KeyValueStatus): string[] {
  const wanted: [keyof KeyValueConfig, unknown, unknown][] = [
    ["history", config.history, status.history],
    ["ttlMs", config.ttlMs, status.ttlMs],
    ["maxValueSize", config.maxValueSize, status.maxValueSize],
    ["maxBytes", config.maxBytes, status.maxBytes],
    ["storage", config.storage, status.backingStore],
    ["replicas", config.replicas, status.replicas],
    ["description", config.description, status.description],
  ];
  return wanted
    .filter(([, want, have]) => want !== undefined && want !== have)
    .map(([field, want, have]) => `${field}: wanted ${String(want)}, has ${String(have)}`);
}

function integerIn(c: Record<string, unknown>, field: string, min: number, max: number): void {
  const v = c[field];
  if (v === undefined) return;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new ValidationError(field, `${field} must be an integer from ${min} to ${max}`, {
      value: v,
    });
  }
}

function limit(c: Record<string, unknown>, field: string): void {
  const v = c[field];
  if (v === undefined) return;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v === 0 || v < -1) {
    throw new ValidationError(field, `${field} must be a positive integer or -1 (no limit)`, {
      value: v,
    });
  }
}
