import { ValidationError } from "./errors.js";

/**
 * Throws `ValidationError` unless `value` is a safe integer in `[min, max]`. The message says
 * what was expected and what came: "batch must be a positive integer, got 0".
 */
export function assertInteger(
  value: unknown,
  field: string,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max) {
    return;
  }
  const expected =
    max !== Number.MAX_SAFE_INTEGER
      ? `an integer from ${min} to ${max}`
      : min === 1
        ? "a positive integer"
        : min === 0
          ? "a non-negative integer"
          : `an integer of at least ${min}`;
  throw new ValidationError(field, `${field} must be ${expected}, got ${String(value)}`, {
    value,
  });
}

/** `assertInteger` for an option that may be left out. */
export function assertOptionalInteger(
  value: unknown,
  field: string,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (value !== undefined) assertInteger(value, field, min, max);
}
