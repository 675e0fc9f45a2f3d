import { ValidationError } from "@helix/nats-core";

/** Throws `ValidationError` unless `revision` is a positive safe integer. */
export function assertRevision(revision: unknown, field = "revision"): asserts revision is number {
  if (typeof revision !== "number" || !Number.isSafeInteger(revision) || revision < 1) {
    throw new ValidationError(
      field,
      `${field} must be a positive integer, got ${String(revision)}`,
      {
        value: revision,
      },
    );
  }
}

/**
 * Throws `ValidationError` unless `revision` is a non-negative safe integer (the revision asked
 * by `update`: 0 means "the key must have no entry").
 */
export function assertExpectedRevision(revision: unknown): asserts revision is number {
  if (typeof revision !== "number" || !Number.isSafeInteger(revision) || revision < 0) {
    throw new ValidationError(
      "revision",
      `revision must be a non-negative integer, got ${String(revision)}`,
      { value: revision },
    );
  }
}
