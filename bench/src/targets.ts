import type { VariantId } from "./variants.js";

/**
 * One of the targets: the median over rounds of `variant`'s rate / `over`'s rate, both
 * measured in the same round, must be at least `min`, on each case listed.
 */
export interface Target {
  readonly label: string;
  readonly cases: readonly string[] | "all";
  readonly variant: VariantId;
  readonly over: VariantId;
  readonly min: number;
}

const PUBLISH_CASES = ["publish-128", "publish-16384", "publishAsync-128", "publishAsync-16384"];

const CORE_CASES = ["request-128", "pubsub-128"];

/** The targets of issues 20 and 21 (bench/README.md#targets). */
export const TARGETS: readonly Target[] = [
  {
    label: "helix + otel, same output as hand-written / hand-written, always-on",
    cases: ["consume-128", "publishAsync-128"],
    variant: "otel-same",
    over: "raw+trace",
    min: 1.0,
  },
  {
    label: "helix + otel, same output as hand-written / hand-written, 1% sampler",
    cases: ["consume-128", "publishAsync-128"],
    variant: "otel-same@1%",
    over: "raw+trace@1%",
    min: 1.0,
  },
  {
    label: "helix + otel default / raw untraced, 1% sampler",
    cases: ["consume-128"],
    variant: "otel+sdk@1%",
    over: "raw",
    min: 0.7,
  },
  {
    label: "helix + otel default / raw untraced, 1% sampler",
    cases: ["publishAsync-128"],
    variant: "otel+sdk@1%",
    over: "raw",
    min: 0.85,
  },
  {
    label: "helix + otel default / raw untraced, always-on",
    cases: ["consume-128"],
    variant: "otel+sdk",
    over: "raw",
    min: 0.5,
  },
  {
    label: "helix without plugins / raw, same semantics",
    cases: ["consume-ack-128"],
    variant: "helix",
    over: "raw",
    min: 0.97,
  },
  {
    label: "helix / raw with a msg id",
    cases: PUBLISH_CASES,
    variant: "helix",
    over: "raw+id",
    min: 0.97,
  },
  {
    label: "helix / raw, core NATS",
    cases: CORE_CASES,
    variant: "helix",
    over: "raw",
    min: 0.95,
  },
  {
    label: "helix + otel without SDK / raw, core NATS",
    cases: CORE_CASES,
    variant: "otel",
    over: "raw",
    min: 0.93,
  },
  {
    label: "helix + otel without SDK / helix without plugin",
    cases: "all",
    variant: "otel",
    over: "helix",
    min: 0.97,
  },
];

/** The targets that apply to case `id`. */
export function targetsFor(id: string): Target[] {
  return TARGETS.filter((t) => t.cases === "all" || t.cases.includes(id));
}
