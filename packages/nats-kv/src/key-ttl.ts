import { ValidationError } from "@helix/nats-core";
import {
  assertInteger,
  assertTtlMs,
  MESSAGE_TTL_MIN_VERSION,
  requireMessageTtl,
  requireServerVersion,
  ttlHeaderValue,
} from "@helix/nats-core/internal";

/*
 * Per-key TTLs and limit markers (nats-server 2.11+). A bucket created with `limitMarkerTtlMs`
 * is a stream with `allow_msg_ttl` and `subject_delete_marker_ttl`: a write may carry a
 * `Nats-TTL` (a value that expires, a purge marker that expires), and when the server removes a
 * key's last entry it writes a marker (`Nats-Marker-Reason`) in its place. The `ttlMs` check and
 * its header value are core's (shared with a stream publish's `ttlMs`); everything is checked
 * before any I/O, and refused on an older server by the version it reports.
 */

/** The first nats-server with limit markers (`subject_delete_marker_ttl`): per-message TTL's. */
export const LIMIT_MARKERS_MIN_VERSION = MESSAGE_TTL_MIN_VERSION;

/** The feature's name in `UnsupportedFeatureError`. */
export const LIMIT_MARKERS_FEATURE = "KV limit markers";

/**
 * Checks a bucket's `limitMarkerTtlMs` (when given): a whole number of seconds in milliseconds,
 * at least 1000 (the server keeps markers for whole seconds, at least one). `ValidationError`.
 */
export function assertLimitMarkerTtlMs(value: unknown): void {
  if (value === undefined) return;
  assertInteger(value, "limitMarkerTtlMs", 1000);
  if (value % 1000 !== 0) {
    throw new ValidationError(
      "limitMarkerTtlMs",
      `limitMarkerTtlMs must be a whole number of seconds in milliseconds (the server keeps markers for whole seconds), got ${value}`,
      { value },
    );
  }
}

/** Refuses limit markers on a server older than 2.11 (`UnsupportedFeatureError`), no I/O. */
export function requireLimitMarkers(serverVersion: string | undefined): void {
  requireServerVersion(serverVersion, LIMIT_MARKERS_FEATURE, LIMIT_MARKERS_MIN_VERSION);
}

/** What a write's `ttlMs` is checked against. */
export interface KeyTtlContext {
  /** The operation kind, for messages (`kv.put`). */
  readonly operation: string;
  readonly bucket: string;
  /** The version the server reported at connect. */
  readonly serverVersion: string | undefined;
  /** Whether the bucket's stream allows per-message TTLs (`allow_msg_ttl`), as it was opened. */
  readonly allowMsgTtl: boolean;
}

/**
 * The `Nats-TTL` value of a write's `ttlMs` (`undefined` when none was given), checked before
 * any I/O: the value (`ValidationError`), the server's version (`UnsupportedFeatureError`), then
 * the bucket (`ValidationError` when it was not created with `limitMarkerTtlMs`, or otherwise
 * given `allow_msg_ttl`: the server would refuse the write).
 */
export function writeTtl(ttlMs: unknown, context: KeyTtlContext): string | undefined {
  if (ttlMs === undefined) return undefined;
  assertTtlMs(ttlMs);
  requireMessageTtl(context.serverVersion);
  if (!context.allowMsgTtl) {
    throw new ValidationError(
      "ttlMs",
      `${context.operation}: bucket "${context.bucket}" does not allow per-key TTLs: create it with limitMarkerTtlMs (nats-server 2.11+)`,
      { value: ttlMs },
    );
  }
  return ttlHeaderValue(ttlMs);
}
