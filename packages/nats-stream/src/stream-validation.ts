import { assertStreamName, assertSubject, ValidationError } from "@helix/nats-core";
import { assertNonNegativeInteger, assertPositiveInteger } from "./publish-validation.js";
import type { PurgeOptions } from "./stream-types.js";

/** Checks a stream config's name and subjects before any I/O; throws `ValidationError`. */
export function assertStreamConfig(config: unknown): asserts config is { name: string } {
  if (typeof config !== "object" || config === null) {
    throw new ValidationError("config", "the stream config must be an object", { value: config });
  }
  const { name, subjects } = config as { name?: unknown; subjects?: unknown };
  assertStreamName(name);
  if (subjects === undefined) return;
  if (!Array.isArray(subjects)) {
    throw new ValidationError("subjects", "subjects must be an array of subjects", {
      value: subjects,
    });
  }
  for (const subject of subjects) assertSubject(subject, "filter", "subjects");
}

/** Checks a message sequence (an integer ≥ 1). */
export function assertSequence(seq: unknown): asserts seq is number {
  assertPositiveInteger(seq, "seq");
}

/** Checks purge options; `keep` and `seq` are mutually exclusive. */
export function assertPurgeOptions(options: PurgeOptions): void {
  if (options.filter !== undefined) assertSubject(options.filter, "filter", "filter");
  if (options.keep !== undefined) assertNonNegativeInteger(options.keep, "keep");
  if (options.seq !== undefined) assertPositiveInteger(options.seq, "seq");
  if (options.keep !== undefined && options.seq !== undefined) {
    throw new ValidationError("purge", "purge: give either keep or seq, not both");
  }
}
