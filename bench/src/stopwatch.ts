import type { Sample } from "./bench-case.js";
import { percentile } from "./stats.js";

/** Wall time and the process's CPU time (user + system) of the measured section only. */
export interface Timing {
  ms: number;
  cpuUs: number;
}

export function startWatch(): { stop(): Timing } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  return {
    stop() {
      const ms = performance.now() - start;
      const used = process.cpuUsage(cpu);
      return { ms, cpuUs: used.user + used.system };
    },
  };
}

/** A throughput sample from a timing of `n` operations. */
export function rateSample(n: number, t: Timing) {
  return { rate: n / (t.ms / 1000), cpuUsPerOp: t.cpuUs / n };
}

/**
 * Runs `step(i)` for i = 0 … n-1, one at a time: the rate, and the p50 and p99 latency of one
 * step (KV calls and request/reply round trips).
 */
export async function sequentialSample(
  n: number,
  step: (i: number) => Promise<void>,
): Promise<Sample> {
  const latencies = new Float64Array(n);
  const watch = startWatch();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await step(i);
    latencies[i] = performance.now() - t0;
  }
  const values = Array.from(latencies);
  return {
    ...rateSample(n, watch.stop()),
    p50Ms: percentile(values, 50),
    p99Ms: percentile(values, 99),
  };
}
