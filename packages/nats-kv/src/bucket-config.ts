import type { KvOptions } from "@nats-io/kv";
import type { KeyValueConfig, KeyValueStatus } from "./types.js";

/*
 * A bucket configuration (validated by `assertKeyValueConfig` in validation.ts) turned into the
 * client's options with helix's defaults, and compared with a bucket that already exists.
 */

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
    // the client turns it into allow_msg_ttl + subject_delete_marker_ttl
    ...(config.limitMarkerTtlMs !== undefined ? { markerTTL: config.limitMarkerTtlMs } : {}),
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
    ["limitMarkerTtlMs", config.limitMarkerTtlMs, status.limitMarkerTtlMs],
  ];
  return wanted
    .filter(([, want, have]) => want !== undefined && want !== have)
    .map(([field, want, have]) => `${field}: wanted ${String(want)}, has ${String(have)}`);
}
