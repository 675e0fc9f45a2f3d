import { ValidationError } from "./errors.js";

/** One millisecond in nanoseconds, the unit of every duration in JetStream's own configs. */
export const NANOS_PER_MS = 1_000_000;

/** Milliseconds to the server's nanoseconds (`ackWaitMs: 30_000` → `ack_wait: 30_000_000_000`). */
export function msToNanos(ms: number): number {
  return Math.round(ms * NANOS_PER_MS);
}

/** `30 µs`, `1.5 ms`, `30 s`: a nanosecond count as a person reads it. */
function human(nanos: number): string {
  if (nanos < 1_000) return `${nanos} ns`;
  if (nanos < NANOS_PER_MS) return `${nanos / 1_000} µs`;
  if (nanos < 1_000 * NANOS_PER_MS) return `${nanos / NANOS_PER_MS} ms`;
  return `${nanos / (1_000 * NANOS_PER_MS)} s`;
}

/**
 * Checks a duration of a JetStream config, which the server takes in nanoseconds. A positive
 * value under 1 ms can only be a unit mistake (`ack_wait: 30_000` meant 30 s and is 30 µs): it is
 * refused with a `ValidationError` that names the unit and the millisecond field to use instead.
 * `0` (the server's default) and `undefined` pass.
 */
export function assertNanos(value: unknown, field: string, msField: string): void {
  if (value === undefined || value === 0) return;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(
      field,
      `${field} must be a whole number of nanoseconds, got ${String(value)}`,
      { value },
    );
  }
  if (value < NANOS_PER_MS) {
    throw new ValidationError(
      field,
      `${field} is in nanoseconds, the server's unit: ${value} is ${human(value)}, surely a unit mistake. Use ${msField} (milliseconds) instead, or write the nanoseconds`,
      { value },
    );
  }
}
