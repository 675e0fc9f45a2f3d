import {
  assertSubject,
  type CallOptions,
  type Connection,
  isHelixError,
  ValidationError,
} from "@helix/nats-core";
import {
  assertInteger,
  assertTtlMs,
  requireServerVersion,
  ttlHeaderValue,
} from "@helix/nats-core/internal";
import { runStreamOperation } from "./operation.js";
import type { PubAck, ScheduledMessage, ScheduleOptions } from "./types.js";

/*
 * Scheduled messages (ADR-51): on a stream created with `allow_msg_schedules`, a message with a
 * `Nats-Schedule` header is a schedule, stored on its own subject (the server adds
 * `Nats-Rollup: sub`, so one schedule per subject); when it fires, the server publishes its body
 * and headers to `Nats-Schedule-Target` (a subject of the same stream) with
 * `Nats-Scheduler: <schedule subject>`. Formats (nats-server server/scheduler.go):
 * - `@at <RFC 3339>`: once (2.12+); the schedule is removed after it fired;
 * - `@every <Go duration>` of at least a second, a 6-field cron `sec min hour dom month dow`, or
 *   `@yearly` `@annually` `@monthly` `@weekly` `@daily` `@midnight` `@hourly`: repeating (2.14+),
 *   a cron in `Nats-Schedule-Time-Zone` when given (2.14+; refused by the server with `@at` and
 *   `@every`);
 * - `Nats-Schedule-TTL`: the TTL of each message the schedule produces (a stream with
 *   `allow_msg_ttl`).
 * A schedule is cancelled by deleting its message.
 */

/** The first nats-server with scheduled messages (`@at`, `allow_msg_schedules`). */
export const SCHEDULE_MIN_VERSION = "2.12.0";
/** The first nats-server with repeating schedules (`@every`, cron, time zones). */
export const REPEATING_SCHEDULE_MIN_VERSION = "2.14.0";
/** The feature's name in `UnsupportedFeatureError`. */
export const SCHEDULE_FEATURE = "scheduled messages";
/** The repeating schedules' name in `UnsupportedFeatureError`. */
export const REPEATING_SCHEDULE_FEATURE = "repeating scheduled messages (cron, @every)";

/** The schedule itself: `@at …`, `@every …`, a cron expression or alias. */
export const SCHEDULE_HEADER = "Nats-Schedule";
/** The subject a schedule delivers to. */
export const SCHEDULE_TARGET_HEADER = "Nats-Schedule-Target";
/** The TTL of each message a schedule produces. */
export const SCHEDULE_TTL_HEADER = "Nats-Schedule-TTL";
/** The IANA time zone of a cron schedule (2.14+). */
export const SCHEDULE_TIME_ZONE_HEADER = "Nats-Schedule-Time-Zone";

const CRON_ALIASES = new Set([
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
]);
const CRON_FIELD = /^[0-9A-Za-z*?/,-]+$/;

/** A checked schedule: the headers to send and when a one-shot schedule fires. */
export interface ResolvedSchedule {
  /** The `Nats-Schedule` value. */
  readonly schedule: string;
  readonly target: string;
  /** When a one-shot (`at`/`delayMs`) schedule fires; `undefined` for a repeating one. */
  readonly at: Date | undefined;
  /** The header values to set, in order, with their exact names. */
  readonly headers: readonly (readonly [string, string])[];
}

/**
 * Checks a schedule before any I/O and refuses it on a server too old for it (one-shot 2.12,
 * repeating 2.14). Exactly one of `at`, `delayMs`, `everyMs`, `cron`. Throws `ValidationError`
 * or `UnsupportedFeatureError` (not without a `serverVersion`: a closed or draining connection,
 * which the send refuses). `now` is the clock a `delayMs` counts from.
 */
export function resolveSchedule(
  subject: string,
  options: ScheduleOptions,
  serverVersion: string | undefined,
  { now = Date.now() }: { now?: number } = {},
): ResolvedSchedule {
  const require = (feature: string, min: string): void => {
    if (serverVersion !== undefined) requireServerVersion(serverVersion, feature, min);
  };
  if (typeof options !== "object" || options === null) {
    throw new ValidationError("options", "schedule needs options with a target and a time", {
      value: options,
    });
  }
  const { target, at, delayMs, everyMs, cron, timeZone, ttlMs } = options;
  assertSubject(target, "publish", "target");
  if (target === subject) {
    throw new ValidationError(
      "target",
      "target must differ from the schedule's own subject (the server refuses it)",
      { value: target },
    );
  }
  const given = (["at", "delayMs", "everyMs", "cron"] as const).filter(
    (key) => options[key] !== undefined,
  );
  if (given.length !== 1) {
    throw new ValidationError(
      "schedule",
      `give exactly one of at, delayMs, everyMs or cron${given.length > 1 ? ` (got ${given.join(", ")})` : ""}`,
    );
  }
  if (timeZone !== undefined && cron === undefined) {
    throw new ValidationError("timeZone", "timeZone applies to a cron schedule only", {
      value: timeZone,
    });
  }
  let schedule: string;
  let fireAt: Date | undefined;
  if (at !== undefined || delayMs !== undefined) {
    if (delayMs !== undefined) assertInteger(delayMs, "delayMs", 0);
    const when = at ?? new Date(now + (delayMs as number));
    if (!(when instanceof Date) || !Number.isFinite(when.getTime())) {
      throw new ValidationError("at", "at must be a valid Date", { value: at });
    }
    require(SCHEDULE_FEATURE, SCHEDULE_MIN_VERSION);
    fireAt = when;
    // RFC 3339 in UTC with milliseconds; Go's time.Parse(RFC3339) accepts the fraction
    schedule = `@at ${when.toISOString()}`;
  } else if (everyMs !== undefined) {
    assertInteger(everyMs, "everyMs", 1000);
    require(REPEATING_SCHEDULE_FEATURE, REPEATING_SCHEDULE_MIN_VERSION);
    schedule = `@every ${everyMs % 1000 === 0 ? `${everyMs / 1000}s` : `${everyMs}ms`}`;
  } else {
    schedule = assertCron(cron);
    require(REPEATING_SCHEDULE_FEATURE, REPEATING_SCHEDULE_MIN_VERSION);
  }
  const headers: [string, string][] = [
    [SCHEDULE_HEADER, schedule],
    [SCHEDULE_TARGET_HEADER, target],
  ];
  if (timeZone !== undefined) headers.push([SCHEDULE_TIME_ZONE_HEADER, assertTimeZone(timeZone)]);
  if (ttlMs !== undefined) {
    assertTtlMs(ttlMs);
    headers.push([SCHEDULE_TTL_HEADER, ttlHeaderValue(ttlMs)]);
  }
  return { schedule, target, at: fireAt, headers };
}

/** A cron expression: 6 fields (`sec min hour dom month dow`) or a predefined `@daily`-style alias. */
function assertCron(cron: unknown): string {
  if (typeof cron === "string") {
    const trimmed = cron.trim();
    if (CRON_ALIASES.has(trimmed)) return trimmed;
    const fields = trimmed.split(/\s+/);
    if (fields.length === 6 && fields.every((f) => CRON_FIELD.test(f))) return fields.join(" ");
  }
  throw new ValidationError(
    "cron",
    `cron must have 6 fields (seconds minutes hours day-of-month month day-of-week, e.g. "0 */5 * * * *") or be one of ${[...CRON_ALIASES].join(", ")}, got ${JSON.stringify(cron) ?? String(cron)}`,
    { value: cron },
  );
}

function assertTimeZone(timeZone: unknown): string {
  if (typeof timeZone === "string" && timeZone !== "") {
    try {
      new Intl.DateTimeFormat("en", { timeZone });
      return timeZone;
    } catch {
      // reported below
    }
  }
  throw new ValidationError(
    "timeZone",
    `timeZone must be an IANA time zone name such as "Europe/Paris", got ${JSON.stringify(timeZone) ?? String(timeZone)}`,
    { value: timeZone },
  );
}

/** True when a stored message is a schedule (has a `Nats-Schedule` header). */
export function isScheduleMessage(headers: { get(name: string): string } | undefined): boolean {
  return headers !== undefined && headers.get(SCHEDULE_HEADER) !== "";
}

/** Refuses schedules (and their cancellation) on a server older than 2.12, no I/O. */
export function requireSchedules(serverVersion: string | undefined): void {
  requireServerVersion(serverVersion, SCHEDULE_FEATURE, SCHEDULE_MIN_VERSION);
}

/** The `ScheduledMessage` of a stored schedule. */
export function scheduledMessage(
  conn: Connection,
  subject: string,
  resolved: ResolvedSchedule,
  ack: PubAck,
): ScheduledMessage {
  return {
    subject,
    target: resolved.target,
    schedule: resolved.schedule,
    at: resolved.at,
    stream: ack.stream,
    seq: ack.seq,
    cancel: (options: CallOptions = {}) =>
      deleteScheduleMessage(conn, ack.stream, ack.seq, options.signal),
  };
}

/**
 * Deletes a schedule's message (a `stream.deleteMsg` operation): `true` when deleted, `false`
 * when it was gone already (fired, replaced, cancelled).
 */
export async function deleteScheduleMessage(
  conn: Connection,
  stream: string,
  seq: number,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  try {
    await runStreamOperation(conn, { kind: "stream.deleteMsg", stream, seq }, signal, (jsm) =>
      jsm.streams.deleteMessage(stream, seq, false),
    );
    return true;
  } catch (err) {
    if (
      isHelixError(err) &&
      err.code === "NOT_FOUND" &&
      (err as { what?: string }).what === "message"
    )
      return false;
    throw err;
  }
}
