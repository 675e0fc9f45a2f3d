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
