import { ValidationError } from "@helix/nats-core";
import { assertInteger, assertNanos, msToNanos } from "@helix/nats-core/internal";
import type { StreamConfig } from "@nats-io/jetstream";
import type { StreamCreateConfig, StreamUpdateInput } from "./types.js";

/*
 * Stream config durations: the server takes nanoseconds, every other helix-nats option takes
 * milliseconds, so `max_age: 60_000` would silently mean 60 µs. Each duration has a millisecond
 * field; a nanosecond value under 1 ms is refused as a unit mistake.
 */

/** Each millisecond field and the server's nanosecond field it stands for. */
const DURATIONS = [
  ["maxAgeMs", "max_age"],
  ["duplicateWindowMs", "duplicate_window"],
  ["subjectDeleteMarkerTtlMs", "subject_delete_marker_ttl"],
] as const;

/**
 * The config as the server takes it: every millisecond field converted to its nanosecond field
 * (and removed). Throws `ValidationError` before any I/O for a field given in both units, a
 * millisecond value that is not a non-negative integer, or a nanosecond value under 1 ms. The
 * caller's object is not changed.
 */
export function toServerStreamConfig(
  config: StreamCreateConfig | StreamUpdateInput,
): Partial<StreamConfig> & { name: string } {
  const out: Record<string, unknown> = { ...config };
  for (const [msField, nsField] of DURATIONS) {
    convert(out, msField, nsField, nsField);
  }
  const limits = config.consumer_limits;
  if (limits !== undefined && limits !== null && typeof limits === "object") {
    const converted: Record<string, unknown> = { ...limits };
    convert(
      converted,
      "inactiveThresholdMs",
      "inactive_threshold",
      "consumer_limits.inactive_threshold",
      "consumer_limits.",
    );
    out.consumer_limits = converted;
  }
  return out as Partial<StreamConfig> & { name: string };
}

/** Converts `target[msField]` into `target[nsField]` in place, checking both. */
function convert(
  target: Record<string, unknown>,
  msField: string,
  nsField: string,
  nsName: string,
  prefix = "",
): void {
  const ms = target[msField];
  const msName = `${prefix}${msField}`;
  if (ms !== undefined) {
    if (target[nsField] !== undefined) {
      throw new ValidationError(
        msName,
        `give either ${msName} (milliseconds) or ${nsName} (nanoseconds), not both`,
        { value: ms },
      );
    }
    assertInteger(ms, msName, 0);
    delete target[msField];
    target[nsField] = msToNanos(ms);
    return;
  }
  if (msField in target) delete target[msField];
  assertNanos(target[nsField], nsName, msName);
}
