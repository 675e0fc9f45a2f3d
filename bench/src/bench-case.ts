import type { Variant, VariantId } from "./variants.js";

/** One measurement of one variant: a rate, and per-op latencies for latency cases (ms). */
export interface Sample {
  /** Operations (or messages) per second. */
  rate: number;
  p50Ms?: number;
  p99Ms?: number;
  /** CPU time of the client process (user + system) per operation, in microseconds. */
  cpuUsPerOp?: number;
  /** Socket writes per operation (with `--count-writes` only). */
  writesPerOp?: number;
}

/** Which targets apply to a case (see targets.ts). */
export type CaseGroup = "publish" | "publishAsync" | "consume" | "fetch" | "kv" | "pubsub";

export interface BenchCase {
  id: string;
  title: string;
  unit: "msg/s" | "ops/s";
  group: CaseGroup;
  /** The variants measured (the raw client first: ratios need it). */
  variants: readonly VariantId[];
  /** Reports p50/p99 latency as well as the rate. */
  latency: boolean;
  /** Runs once before the rounds (shared server-side state, e.g. a prefilled stream). */
  setup?(): Promise<void>;
  /** One measurement; every call starts from the same server-side state. */
  measure(variant: Variant, count: number): Promise<Sample>;
  /** Operations per measurement, and for the warm-up. */
  count: number;
  warmupCount: number;
  teardown?(): Promise<void>;
}
