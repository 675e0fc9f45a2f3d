import { ValidationError } from "./errors.js";
import { requireServerVersion } from "./server-version.js";

/*
 * Per-message TTL (nats-server 2.11+), shared by the packages that write messages with one (a
 * stream publish's `ttlMs`, a key-value write's `ttlMs`): the `Nats-TTL` header, on a stream
 * created with `allow_msg_ttl`. The server counts a TTL in whole seconds (at least one,
 * `time.ParseDuration` then truncated to seconds) or takes `never`; both are checked before any
 * I/O, and refused on an older server by the version it reports.
 */

/** The first nats-server with per-message TTL (`Nats-TTL`, `allow_msg_ttl`). */
export const MESSAGE_TTL_MIN_VERSION = "2.11.0";

/** The feature's name in `UnsupportedFeatureError`. */
export const MESSAGE_TTL_FEATURE = "per-message TTL";

/** The header the server reads a message's TTL from. */
export const TTL_HEADER = "Nats-TTL";

/**
 * Checks a `ttlMs`: `"never"`, or a whole number of seconds in milliseconds, at least 1000 (the
 * server refuses a TTL under a second and would truncate a fraction of one). Throws
 * `ValidationError` naming `field` (default `ttlMs`).
 */
export function assertTtlMs(value: unknown, field = "ttlMs"): asserts value is number | "never" {
  if (value === "never") return;
  if (
    typeof value === "number" &&
    Number.isSafeInteger(value) &&
    value >= 1000 &&
    value % 1000 === 0
  ) {
    return;
  }
  throw new ValidationError(
    field,
    `${field} must be a whole number of seconds in milliseconds, at least 1000 (the server counts a message TTL in seconds), or "never", got ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
    { value },
  );
}

/** The `Nats-TTL` header value of a checked `ttlMs`: `"5s"`, or `"never"`. */
export function ttlHeaderValue(ttlMs: number | "never"): string {
  return ttlMs === "never" ? "never" : `${ttlMs / 1000}s`;
}

/** Refuses per-message TTL on a server older than 2.11 (`UnsupportedFeatureError`), no I/O. */
export function requireMessageTtl(serverVersion: string | undefined): void {
  requireServerVersion(serverVersion, MESSAGE_TTL_FEATURE, MESSAGE_TTL_MIN_VERSION);
}
