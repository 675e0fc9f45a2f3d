import { ValidationError } from "@helix/nats-core";
import { requireMessageTtl } from "@helix/nats-core/internal";
import { requireAtomicBatch } from "./atomic-batch.js";
import { requireCounters } from "./counter.js";
import { requireSchedules } from "./schedule.js";
import { assertSubjectTransforms } from "./subject-transform.js";

/*
 * The version-gated parts of a stream config, checked at create and update before any I/O: each
 * `allow_*` flag is a boolean when given, and `true` needs the server of its feature
 * (`UnsupportedFeatureError`, from the version the server reported at connect). Subject
 * transforms are refused before 2.10 the same way.
 */

/** Each flag with the check of the server version its feature needs. */
const VERSION_GATED_FLAGS: readonly (readonly [string, (serverVersion?: string) => void])[] = [
  ["allow_msg_ttl", requireMessageTtl], // 2.11
  ["allow_msg_counter", requireCounters], // 2.12
  ["allow_atomic", requireAtomicBatch], // 2.12
  ["allow_msg_schedules", requireSchedules], // 2.12
];

/** Checks the version-gated parts of a stream config against the server's version. */
export function assertStreamFeatures(config: object, serverVersion: string | undefined): void {
  for (const [field, requireFeature] of VERSION_GATED_FLAGS) {
    const allow = (config as Record<string, unknown>)[field];
    if (allow === undefined) continue;
    if (typeof allow !== "boolean") {
      throw new ValidationError(field, `${field} must be a boolean`, { value: allow });
    }
    if (allow) requireFeature(serverVersion);
  }
  assertSubjectTransforms(config, serverVersion);
}
