import { assertConsumerName, assertSubject, ValidationError } from "@helix/nats-core";
import { assertInteger, assertOptionalInteger, versionAtLeast } from "@helix/nats-core/internal";
import type {
  ConsumeOptions,
  ConsumerConfig,
  NakDelay,
  OrderedConfig,
  PullOptions,
} from "./types.js";

/*
 * Input checks made before any I/O: consumer configs, pull and consume options, batch sizes.
 * Each throws one `ValidationError` that names the field.
 */

/** The first server version that accepts more than one filter subject. */
export const MULTI_FILTER_MIN_VERSION = "2.10.0";

const ACK_POLICIES = new Set(["none", "all", "explicit"]);

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
  if (list.length > 1 && !versionAtLeast(serverVersion, MULTI_FILTER_MIN_VERSION)) {
    throw new ValidationError(
      field,
      `more than one filter subject needs nats-server ${MULTI_FILTER_MIN_VERSION} or newer; the server is ${serverVersion ?? "of unknown version"}. Use one filter subject (or a wildcard) instead`,
      { value: filters },
    );
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
  if (c.deliver_subject !== undefined) {
    throw new ValidationError(
      "deliver_subject",
      "push consumers are not supported: helix consumers are pull consumers (drop deliver_subject)",
    );
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
  if (c.backoff !== undefined) {
    if (!Array.isArray(c.backoff) || c.backoff.length === 0) {
      throw new ValidationError("backoff", "backoff must be a non-empty array of nanoseconds", {
        value: c.backoff,
      });
    }
    for (const d of c.backoff) assertInteger(d, "backoff", 1);
    if (c.max_deliver !== undefined && c.max_deliver !== -1 && c.max_deliver <= c.backoff.length) {
      throw new ValidationError(
        "backoff",
        "max_deliver must be greater than the number of backoff steps",
        {
          value: c.backoff,
        },
      );
    }
  }
  assertOptionalInteger(c.ack_wait, "ack_wait", 1);
  assertOptionalInteger(c.max_ack_pending, "max_ack_pending", -1);
}

/** The config sent to the server: a single-entry `filter_subjects` becomes `filter_subject`. */
export function normalizeConsumerConfig(config: ConsumerConfig): ConsumerConfig {
  const out: ConsumerConfig = { ...config };
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
