/**
 * Shared internals of the helix-nats packages: `@helix/nats-core/internal`.
 *
 * NOT PUBLIC API. These are the pieces that `@helix/nats-stream`, `-consumer`, `-kv` and the
 * other sibling packages share, kept in one place so that there is one copy of each. They may
 * change in any release, minor and patch included; an application imports from
 * `@helix/nats-core` only.
 */

export { abortable, sleep, throwIfAborted } from "./cancellation.js";
export { DEFAULT_DRAIN_TIMEOUT_MS } from "./connection.js";
export { assertNanos, msToNanos, NANOS_PER_MS } from "./durations.js";
export { assertInteger, assertOptionalInteger } from "./integers.js";
export { DEFAULT_JETSTREAM_TIMEOUT_MS, jetStreamApiPrefix } from "./jetstream-api.js";
export {
  explainLimit,
  explainLimitFromServer,
  type LimitTarget,
  type StreamLimits,
} from "./limits.js";
export {
  assertTtlMs,
  MESSAGE_TTL_MIN_VERSION,
  requireMessageTtl,
  TTL_HEADER,
  ttlHeaderValue,
} from "./message-ttl.js";
export { assertBucketName, assertKey, type KeyUse } from "./names.js";
export { type EncodedPayload, encodePayload } from "./payload.js";
export { DEFAULT_RETRY, retryDelay } from "./retry.js";
export { type RunOptions, runOperation } from "./run-operation.js";
export {
  assertSchemaOption,
  type SchemaTarget,
  schemaReasons,
  validateWithSchema,
} from "./schema.js";
export { Semaphore } from "./semaphore.js";
export { compareVersions, requireServerVersion, versionAtLeast } from "./server-version.js";
export { assertUsable, jetStreamEnabled } from "./usable.js";
