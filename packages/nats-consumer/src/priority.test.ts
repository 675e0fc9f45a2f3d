import { UnsupportedFeatureError, ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import {
  assertGroupName,
  assertPriorityConfig,
  assertPriorityPull,
  priorityGroupStates,
  toClientPriority,
} from "./priority.js";
import type { ConsumerConfig, PriorityPullOptions } from "./types.js";

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

const NAME_RULE = 'must be 1 to 16 characters of A-Z, a-z, 0-9, "-", "_", "/" or "="';

describe("group names", () => {
  it("takes the server's characters, up to 16", () => {
    for (const g of ["jobs", "a-b_c/d=e", "x".repeat(16)]) {
      expect(() => assertGroupName(g)).not.toThrow();
    }
    for (const g of ["", "x".repeat(17), "a.b", "a b", 7]) {
      const err = thrown(() => assertGroupName(g));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ field: "group", message: `group ${NAME_RULE}` });
    }
  });
});

describe("priority config", () => {
  const check = (c: ConsumerConfig, v = "2.15.3") => thrown(() => assertPriorityConfig(c, v));

  it("accepts groups with a policy on a new enough server, and no priority at all anywhere", () => {
    expect(check({ priority_groups: ["jobs"], priority_policy: "pinned_client" }, "2.11.0")).toBe(
      undefined,
    );
    expect(check({ priority_groups: ["jobs"], priority_policy: "overflow" }, "2.11.0")).toBe(
      undefined,
    );
    expect(check({ priority_groups: ["jobs"], priority_policy: "prioritized" }, "2.12.0")).toBe(
      undefined,
    );
    expect(check({}, "2.9.10")).toBe(undefined);
    expect(check({ priority_policy: "none" }, "2.9.10")).toBe(undefined);
  });

  it("refuses groups without a policy, a policy without groups, a bad policy or name", () => {
    expect(check({ priority_groups: ["jobs"] })).toMatchObject({
      field: "priority_policy",
      message:
        'priority_groups need a priority_policy: "pinned_client", "overflow" or "prioritized"',
    });
    expect(check({ priority_policy: "overflow" })).toMatchObject({
      field: "priority_groups",
      message:
        "priority_groups must be a non-empty array of group names when priority_policy is set",
    });
    expect(
      check({ priority_groups: ["jobs"], priority_policy: "first" as "overflow" }),
    ).toMatchObject({ field: "priority_policy" });
    expect(check({ priority_groups: ["a.b"], priority_policy: "overflow" })).toMatchObject({
      field: "priority_groups",
    });
  });

  it("refuses groups before 2.11 and prioritized before 2.12 with UnsupportedFeatureError", () => {
    const old = check({ priority_groups: ["jobs"], priority_policy: "pinned_client" }, "2.10.22");
    expect(old).toBeInstanceOf(UnsupportedFeatureError);
    expect(old).toMatchObject({ feature: "priority groups", requires: "2.11.0" });
    const prioritized = check(
      { priority_groups: ["jobs"], priority_policy: "prioritized" },
      "2.11.4",
    );
    expect(prioritized).toBeInstanceOf(UnsupportedFeatureError);
    expect(prioritized).toMatchObject({
      feature: "prioritized priority policy",
      requires: "2.12.0",
    });
  });
});

describe("priority pull options", () => {
  const check = (o: PriorityPullOptions, v = "2.15.3") => thrown(() => assertPriorityPull(o, v));

  it("accepts a group alone, with overflow limits, or with a priority", () => {
    expect(check({}, "2.9.10")).toBe(undefined);
    expect(check({ group: "jobs" }, "2.11.0")).toBe(undefined);
    expect(check({ group: "jobs", minPending: 10, minAckPending: 5 }, "2.11.0")).toBe(undefined);
    expect(check({ group: "jobs", priority: 0 }, "2.12.0")).toBe(undefined);
    expect(check({ group: "jobs", priority: 9 })).toBe(undefined);
  });

  it("refuses group fields without a group, bad numbers, and priority with overflow limits", () => {
    for (const field of ["minPending", "minAckPending", "priority"] as const) {
      expect(check({ [field]: 1 })).toMatchObject({
        field,
        message: `${field} needs a priority group: set group too`,
      });
    }
    expect(check({ group: "jobs", minPending: 0 })).toMatchObject({ field: "minPending" });
    expect(check({ group: "jobs", minAckPending: 1.5 })).toMatchObject({ field: "minAckPending" });
    expect(check({ group: "jobs", priority: 10 })).toMatchObject({
      field: "priority",
      message: "priority must be an integer from 0 to 9",
    });
    expect(check({ group: "jobs", priority: -1 })).toMatchObject({ field: "priority" });
    expect(check({ group: "jobs", priority: 1, minPending: 1 })).toMatchObject({
      field: "priority",
      message:
        "set priority (prioritized policy) or minPending/minAckPending (overflow policy), not both",
    });
    expect(check({ group: "" })).toBeInstanceOf(ValidationError);
  });

  it("refuses a group before 2.11 and a priority before 2.12", () => {
    expect(check({ group: "jobs" }, "2.10.0")).toMatchObject({
      name: "UnsupportedFeatureError",
      feature: "priority groups",
      requires: "2.11.0",
    });
    expect(check({ group: "jobs", priority: 1 }, "2.11.9")).toMatchObject({
      name: "UnsupportedFeatureError",
      feature: "prioritized priority policy",
      requires: "2.12.0",
    });
  });

  it("maps to the client's pull fields", () => {
    expect(toClientPriority({})).toEqual({});
    expect(toClientPriority({ minPending: 3 })).toEqual({});
    expect(toClientPriority({ group: "jobs", minPending: 3, minAckPending: 2 })).toEqual({
      group: "jobs",
      min_pending: 3,
      min_ack_pending: 2,
    });
    expect(toClientPriority({ group: "jobs", priority: 0 })).toEqual({
      group: "jobs",
      priority: 0,
    });
  });
});

describe("priorityGroupStates", () => {
  it("reads each group's pinned client from consumer info", () => {
    const info = {
      priority_groups: [
        { group: "jobs", pinned_client_id: "abc", pinned_ts: "2026-01-02T03:04:05Z" },
        { group: "idle" },
      ],
    } as never;
    expect(priorityGroupStates(info)).toEqual([
      { group: "jobs", pinnedClientId: "abc", pinnedAt: new Date("2026-01-02T03:04:05Z") },
      { group: "idle", pinnedClientId: undefined, pinnedAt: undefined },
    ]);
    expect(priorityGroupStates({} as never)).toEqual([]);
  });
});
