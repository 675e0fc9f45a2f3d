import { assertConsumerName, assertSubject, ValidationError } from "@helix/nats-core";
import {
  assertInteger,
  assertNanos,
  assertOptionalInteger,
  msToNanos,
  requireServerVersion,
} from "@helix/nats-core/internal";
import { assertPriorityConfig } from "./priority.js";
import type {
  ConsumeOptions,
  ConsumerConfig,
  ConsumerDurationsMs,
  DrainOptions,
  NakDelay,
  OrderedConfig,
  PullOptions,
  PushOnlyField,
  WireConsumerConfig,
} from "./types.js";

/*
 * Input checks made before any I/O: consumer configs, pull and consume options, batch sizes.
 * Each throws one `ValidationError` that names the field.
 */

/** The feature name `UnsupportedFeatureError` reports for more than one filter subject. */
export const MULTI_FILTER_FEATURE =
  "several filter subjects (use one filter subject or a wildcard)";

/** The first server version that can pause a consumer. */
export const PAUSE_MIN_VERSION = "2.11.0";

/** The feature name `UnsupportedFeatureError` reports for pause and resume. */
export const PAUSE_FEATURE = "consumer pause";

/**
 * Checks a pause date: a valid `Date` in the future (`now` is injectable for tests). Throws
 * `ValidationError` naming `field`.
 */
export function assertPauseUntil(
  until: unknown,
  field: string,
  now = Date.now(),
): asserts until is Date {
  if (!(until instanceof Date) || Number.isNaN(until.getTime())) {
    throw new ValidationError(field, `${field} must be a valid Date`, { value: until });
  }
  if (until.getTime() <= now) {
    throw new ValidationError(
      field,
      `${field} must be in the future (to resume a paused consumer, call resume())`,
      { value: until },
    );
  }
}

/** Refuses pause and resume on a server before 2.11 with `UnsupportedFeatureError`. */
export function requirePause(serverVersion: string | undefined): void {
  requireServerVersion(serverVersion, PAUSE_FEATURE, PAUSE_MIN_VERSION);
}

/** The date a config starts paused until, from `pauseUntil` or `pause_until`; validated. */
function configPauseUntil(c: ConsumerConfig): Date | undefined {
  if (c.pauseUntil !== undefined && c.pause_until !== undefined) {
    throw new ValidationError("pauseUntil", "set pauseUntil or pause_until, not both");
  }
  if (c.pauseUntil !== undefined) {
    assertPauseUntil(c.pauseUntil, "pauseUntil");
    return c.pauseUntil;
  }
  const raw: unknown = c.pause_until;
  if (raw === undefined) return undefined;
  const date = typeof raw === "string" && raw !== "" ? new Date(raw) : raw;
  assertPauseUntil(date, "pause_until");
  return date;
}

/** The first server version that accepts more than one filter subject. */
export const MULTI_FILTER_MIN_VERSION = "2.10.0";

const ACK_POLICIES = new Set(["none", "all", "explicit"]);

/** Each push-only field, with what to do instead when there is something to say. */
const PUSH_ONLY: ReadonlyArray<readonly [PushOnlyField, string]> = [
  ["deliver_subject", ""],
  ["deliver_group", " (workers that consume the same durable consumer share its messages)"],
  ["flow_control", ""],
  [
    "idle_heartbeat",
    " (a pull's heartbeat is the idleHeartbeatMs option of consume() and messages())",
  ],
  ["rate_limit_bps", " (limit a consume with concurrency or maxMessages)"],
];

/** The single-valued durations: the millisecond field helix converts, and the server's ns field. */
const DURATIONS: ReadonlyArray<
  readonly [Exclude<keyof ConsumerDurationsMs, "backoffMs">, keyof WireConsumerConfig]
> = [
  ["ackWaitMs", "ack_wait"],
  ["inactiveThresholdMs", "inactive_threshold"],
  ["maxExpiresMs", "max_expires"],
  ["priorityTimeoutMs", "priority_timeout"],
];

/**
 * Checks filter subjects. A single-entry array is fine everywhere (it is sent as
 * `filter_subject`); more than one needs server 2.10, checked against `serverVersion`.
 */
function assertFilters(filters: unknown, field: string, serverVersion: string | undefined): void {
  if (filters === undefined) return;
  const list = typeof filters === "string" ? [filters] : filters;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ValidationError(
      field,
      `${field} must be a subject or a non-empty array of subjects`,
      {
        value: filters,
      },
    );
  }
  for (const subject of list) assertSubject(subject, "filter");
  // Refused as the other version-gated features are: `UnsupportedFeatureError` naming it.
  if (list.length > 1) {
    requireServerVersion(serverVersion, MULTI_FILTER_FEATURE, MULTI_FILTER_MIN_VERSION);
  }
}

/** Validates a pull consumer configuration before any I/O. */
export function assertConsumerConfig(
  config: unknown,
  serverVersion: string | undefined,
): asserts config is ConsumerConfig {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new ValidationError("config", "the consumer config must be an object", { value: config });
  }
  const c = config as ConsumerConfig;
  if (c.durable_name !== undefined) assertConsumerName(c.durable_name);
  if (c.name !== undefined) assertConsumerName(c.name);
  if (c.durable_name !== undefined && c.name !== undefined && c.durable_name !== c.name) {
    throw new ValidationError("name", "name and durable_name must be the same when both are set", {
      value: c.name,
    });
  }
  const raw = config as Record<string, unknown>;
  for (const [field, instead] of PUSH_ONLY) {
    if (raw[field] !== undefined) {
      throw new ValidationError(
        field,
        `${field} is a push consumer setting, and helix consumers are pull consumers: drop ${field}${instead}`,
      );
    }
  }
  if (c.filter_subject !== undefined && c.filter_subjects !== undefined) {
    throw new ValidationError("filter_subjects", "set filter_subject or filter_subjects, not both");
  }
  if (c.filter_subject !== undefined) assertSubject(c.filter_subject, "filter");
  assertFilters(c.filter_subjects, "filter_subjects", serverVersion);
  if (c.ack_policy !== undefined && !ACK_POLICIES.has(c.ack_policy)) {
    throw new ValidationError("ack_policy", 'ack_policy must be "explicit", "all" or "none"', {
      value: c.ack_policy,
    });
  }
  if (c.max_deliver !== undefined && c.max_deliver !== -1)
    assertInteger(c.max_deliver, "max_deliver", 1);
  assertDurations(c);
  assertOptionalInteger(c.max_ack_pending, "max_ack_pending", -1);
  if (configPauseUntil(c) !== undefined) requirePause(serverVersion);
  assertPriorityConfig(c, serverVersion);
}

/**
 * Checks the durations: a millisecond field is a positive integer and never comes with its
 * nanosecond field; a nanosecond value under 1 ms is refused as a unit mistake (core's
 * `assertNanos`), each step of `backoff` too.
 */
function assertDurations(c: ConsumerConfig): void {
  for (const [ms, ns] of DURATIONS) {
    assertNotBoth(c, ms, ns);
    assertOptionalInteger(c[ms], ms, 1);
    assertNanos(c[ns], ns, ms);
  }
  assertNotBoth(c, "backoffMs", "backoff");
  const steps = c.backoffMs ?? c.backoff;
  if (steps === undefined) return;
  const field = c.backoffMs !== undefined ? "backoffMs" : "backoff";
  if (!Array.isArray(steps) || steps.length === 0) {
    const unit = field === "backoffMs" ? "milliseconds" : "nanoseconds";
    throw new ValidationError(field, `${field} must be a non-empty array of ${unit}`, {
      value: steps,
    });
  }
  for (const step of steps) {
    // A step in nanoseconds that can only be milliseconds is named as such first.
    if (field === "backoff") assertNanos(step, "backoff", "backoffMs");
    assertInteger(step, field, 1);
  }
  if (c.max_deliver !== undefined && c.max_deliver !== -1 && c.max_deliver <= steps.length) {
    throw new ValidationError(
      field,
      "max_deliver must be greater than the number of backoff steps",
      {
        value: steps,
      },
    );
  }
}

function assertNotBoth(c: ConsumerConfig, ms: keyof ConsumerDurationsMs, ns: string): void {
  if (c[ms] !== undefined && (c as Record<string, unknown>)[ns] !== undefined) {
    throw new ValidationError(ms, `set ${ms} (milliseconds) or ${ns} (nanoseconds), not both`);
  }
}

/**
 * The config sent to the server: millisecond durations become the server's nanoseconds, a
 * single-entry `filter_subjects` becomes `filter_subject`, `name` fills `durable_name`.
 */
export function normalizeConsumerConfig(config: ConsumerConfig): WireConsumerConfig {
  const {
    ackWaitMs,
    backoffMs,
    inactiveThresholdMs,
    maxExpiresMs,
    priorityTimeoutMs,
    pauseUntil,
    pause_until,
    ...rest
  } = config;
  const out: WireConsumerConfig = { ...rest };
  const until =
    pauseUntil ?? (typeof pause_until === "string" ? new Date(pause_until) : pause_until);
  if (until !== undefined) out.pause_until = until.toISOString();
  if (ackWaitMs !== undefined) out.ack_wait = msToNanos(ackWaitMs);
  if (backoffMs !== undefined) out.backoff = backoffMs.map(msToNanos);
  if (inactiveThresholdMs !== undefined) out.inactive_threshold = msToNanos(inactiveThresholdMs);
  if (maxExpiresMs !== undefined) out.max_expires = msToNanos(maxExpiresMs);
  if (priorityTimeoutMs !== undefined) out.priority_timeout = msToNanos(priorityTimeoutMs);
  if (Array.isArray(out.filter_subjects) && out.filter_subjects.length === 1) {
    out.filter_subject = out.filter_subjects[0];
    delete out.filter_subjects;
  }
  if (out.name !== undefined && out.durable_name === undefined) out.durable_name = out.name;
  return out;
}

/** Validates ordered consumer options before any I/O. */
export function assertOrderedConfig(
  config: unknown,
  serverVersion: string | undefined,
): asserts config is OrderedConfig {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new ValidationError("config", "the ordered consumer config must be an object", {
      value: config,
    });
  }
  const c = config as OrderedConfig;
  assertFilters(c.filter_subjects, "filter_subjects", serverVersion);
  if (c.name_prefix !== undefined) assertConsumerName(c.name_prefix);
  assertOptionalInteger(c.opt_start_seq, "opt_start_seq", 1);
}

/** Ordered options sent to the client: a single-entry array becomes a string. */
export function normalizeOrderedConfig(config: OrderedConfig): OrderedConfig {
  const out: OrderedConfig = { ...config };
  if (Array.isArray(out.filter_subjects) && out.filter_subjects.length === 1) {
    out.filter_subjects = out.filter_subjects[0] ?? ">";
  }
  return out;
}

/** Validates pull tuning (consume, messages). */
export function assertPullOptions(options: PullOptions): void {
  if (options.maxMessages !== undefined && options.maxBytes !== undefined) {
    throw new ValidationError("maxBytes", "set maxMessages or maxBytes, not both");
  }
  assertOptionalInteger(options.maxMessages, "maxMessages", 1);
  assertOptionalInteger(options.maxBytes, "maxBytes", 1);
  assertExpires(options.expiresMs);
  assertOptionalInteger(options.idleHeartbeatMs, "idleHeartbeatMs", 1);
  assertOptionalInteger(options.maxMissedHeartbeats, "maxMissedHeartbeats", 1);
  if (options.onStatus !== undefined && typeof options.onStatus !== "function") {
    throw new ValidationError("onStatus", "onStatus must be a function");
  }
}

/** The client refuses pull expiries under 1 s. */
export function assertExpires(expiresMs: unknown): void {
  assertOptionalInteger(expiresMs, "expiresMs", 1_000);
}

/** Validates `consume` options. */
export function assertConsumeOptions(options: ConsumeOptions): void {
  assertPullOptions(options);
  assertOptionalInteger(options.concurrency, "concurrency", 1);
  assertNakDelay(options.nakDelayMs);
  if (options.autoAck !== undefined && typeof options.autoAck !== "boolean") {
    throw new ValidationError("autoAck", "autoAck must be a boolean");
  }
  if (options.onError !== undefined && typeof options.onError !== "function") {
    throw new ValidationError("onError", "onError must be a function");
  }
}

/** Validates `drain` options; `ValidationError` for a deadline that is not a positive integer. */
export function assertDrainOptions(options: DrainOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new ValidationError("options", "drain options must be an object", { value: options });
  }
  assertOptionalInteger(options.timeoutMs, "timeoutMs", 1);
}

/** Throws `ValidationError` unless `delay` is a non-negative number or a function. */
export function assertNakDelay(
  delay: unknown,
  field = "nakDelayMs",
): asserts delay is NakDelay | undefined {
  if (delay === undefined || typeof delay === "function") return;
  if (typeof delay !== "number" || !Number.isFinite(delay) || delay < 0) {
    throw new ValidationError(
      field,
      `${field} must be a non-negative number of milliseconds or a function`,
      {
        value: delay,
      },
    );
  }
}

/** True for an `AbortSignal` (or an object that behaves as one: `aborted` and `addEventListener`). */
export function isAbortSignal(value: unknown): value is AbortSignal {
  const signal = value as { aborted?: unknown; addEventListener?: unknown } | null;
  return (
    typeof signal === "object" &&
    signal !== null &&
    typeof signal.aborted === "boolean" &&
    typeof signal.addEventListener === "function"
  );
}

/** True for a plain object (not `null`, not an array): an options object or a filter. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True for a whole number above 0 (a count, a sequence, an interval in ms). */
export function isPositiveInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}
