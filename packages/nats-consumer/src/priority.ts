import { ValidationError } from "@helix/nats-core";
import {
  assertInteger,
  assertOptionalInteger,
  requireServerVersion,
} from "@helix/nats-core/internal";
import type { ConsumerInfo } from "@nats-io/jetstream";
import type { ConsumerConfig, PriorityGroupState, PriorityPullOptions } from "./types.js";

/*
 * Priority groups (nats-server 2.11, the prioritized policy 2.12): the checks made before any
 * I/O, the pull fields sent to the client, and the group state read from consumer info.
 */

/** The first server version with priority groups (`pinned_client` and `overflow` policies). */
export const PRIORITY_GROUPS_MIN_VERSION = "2.11.0";
/** The first server version with the `prioritized` policy and a pull's `priority`. */
export const PRIORITIZED_MIN_VERSION = "2.12.0";
/** The feature names `UnsupportedFeatureError` reports. */
export const PRIORITY_GROUPS_FEATURE = "priority groups";
export const PRIORITIZED_FEATURE = "prioritized priority policy";

const POLICIES = new Set(["none", "overflow", "pinned_client", "prioritized"]);
/** The server's rule for a group name. */
const GROUP_NAME = /^[A-Za-z0-9/_=-]{1,16}$/;

/** Throws `ValidationError` unless `group` is a valid priority group name. */
export function assertGroupName(group: unknown, field = "group"): asserts group is string {
  if (typeof group !== "string" || !GROUP_NAME.test(group)) {
    throw new ValidationError(
      field,
      `${field} must be 1 to 16 characters of A-Z, a-z, 0-9, "-", "_", "/" or "="`,
      { value: group },
    );
  }
}

/** Checks `priority_groups` and `priority_policy` of a consumer config, and the server version. */
export function assertPriorityConfig(c: ConsumerConfig, serverVersion: string | undefined): void {
  const groups: unknown = c.priority_groups;
  const policy: unknown = c.priority_policy;
  if (groups === undefined && (policy === undefined || policy === "none")) return;
  if (policy !== undefined && !POLICIES.has(policy as string)) {
    throw new ValidationError(
      "priority_policy",
      'priority_policy must be "pinned_client", "overflow", "prioritized" or "none"',
      { value: policy },
    );
  }
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new ValidationError(
      "priority_groups",
      "priority_groups must be a non-empty array of group names when priority_policy is set",
      { value: groups },
    );
  }
  for (const g of groups) assertGroupName(g, "priority_groups");
  if (policy === undefined || policy === "none") {
    throw new ValidationError(
      "priority_policy",
      'priority_groups need a priority_policy: "pinned_client", "overflow" or "prioritized"',
    );
  }
  requireServerVersion(serverVersion, PRIORITY_GROUPS_FEATURE, PRIORITY_GROUPS_MIN_VERSION);
  if (policy === "prioritized") {
    requireServerVersion(serverVersion, PRIORITIZED_FEATURE, PRIORITIZED_MIN_VERSION);
  }
}

/** Checks the priority fields of a pull (`consume`, `messages`, `fetch`), and the server version. */
export function assertPriorityPull(
  options: PriorityPullOptions,
  serverVersion: string | undefined,
): void {
  const { group, minPending, minAckPending, priority } = options;
  if (group === undefined) {
    for (const [field, value] of [
      ["minPending", minPending],
      ["minAckPending", minAckPending],
      ["priority", priority],
    ] as const) {
      if (value !== undefined) {
        throw new ValidationError(field, `${field} needs a priority group: set group too`);
      }
    }
    return;
  }
  assertGroupName(group);
  assertOptionalInteger(minPending, "minPending", 1);
  assertOptionalInteger(minAckPending, "minAckPending", 1);
  if (priority !== undefined) {
    assertInteger(priority, "priority", 0);
    if (priority > 9) {
      throw new ValidationError("priority", "priority must be an integer from 0 to 9", {
        value: priority,
      });
    }
    if (minPending !== undefined || minAckPending !== undefined) {
      throw new ValidationError(
        "priority",
        "set priority (prioritized policy) or minPending/minAckPending (overflow policy), not both",
      );
    }
  }
  requireServerVersion(serverVersion, PRIORITY_GROUPS_FEATURE, PRIORITY_GROUPS_MIN_VERSION);
  if (priority !== undefined) {
    requireServerVersion(serverVersion, PRIORITIZED_FEATURE, PRIORITIZED_MIN_VERSION);
  }
}

/** The client's pull fields for the priority options that were set. */
export function toClientPriority(options: PriorityPullOptions): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (options.group === undefined) return out;
  out.group = options.group;
  if (options.minPending !== undefined) out.min_pending = options.minPending;
  if (options.minAckPending !== undefined) out.min_ack_pending = options.minAckPending;
  if (options.priority !== undefined) out.priority = options.priority;
  return out;
}

/** The priority groups' state in consumer info (server 2.11+): the pinned client of each. */
export function priorityGroupStates(info: ConsumerInfo): PriorityGroupState[] {
  const raw = (info as { priority_groups?: unknown }).priority_groups;
  if (!Array.isArray(raw)) return [];
  return raw.map((g: { group?: string; pinned_client_id?: string; pinned_ts?: string }) => ({
    group: g.group ?? "",
    pinnedClientId: g.pinned_client_id || undefined,
    pinnedAt: g.pinned_ts ? new Date(g.pinned_ts) : undefined,
  }));
}
