// The lines that report how each part of the pipeline did, and the one-line result.

import type { OrderState } from "./order.js";
import type { ProduceResult } from "./producer.js";
import type { DeadOrder, DoneSummary, Outcome } from "./summary.js";
import type { WatchTally } from "./watcher.js";
import type { WorkerStats } from "./worker.js";

export function producerLine(produced: ProduceResult): string {
  const rate = Math.round(produced.acked.size / produced.seconds);
  const failed = produced.failed
    ? `${produced.failed} failed: ${(produced.firstError as Error)?.message}`
    : "0 failed";
  return `producer  ${produced.acked.size} published in ${produced.seconds.toFixed(2)} s (${rate} msg/s), ${failed}`;
}

/** `stalledFor`: seconds without progress when the wait gave up, else `undefined`. */
export function workerLines(stats: WorkerStats, stalledFor: number | undefined): string[] {
  const stalled =
    stalledFor === undefined ? "" : ` (stalled: nothing processed for ${stalledFor} s)`;
  return [
    `worker    ${stats.processed.size} processed, ${stats.failures} failed on purpose, ${stats.redelivered} redelivered, ${stats.deadLettered.size} dead-lettered, ${stats.errors.length} other errors${stalled}`,
    ...stats.errors.slice(0, 3).map((err) => `          error: ${(err as Error).message}`),
  ];
}

export function watcherLine(seen: WatchTally): string {
  return `watcher   ${seen.changes} KV changes (${seen.byState.processed} processed, ${seen.byState.failed} failed)`;
}

export function summaryLines(
  done: DoneSummary,
  states: Map<number, OrderState>,
  outcome: Outcome,
  dead: readonly DeadOrder[],
  deadLetterStream: string,
): string[] {
  const processedInKv = [...states.values()].filter((s) => s.state === "processed").length;
  const batches = `${done.batches} ${done.batches === 1 ? "batch" : "batches"}`;
  const lines = [
    `summary   fetched ${done.events} done events in ${batches} (${done.ids.size} orders, $${(done.revenue / 100).toFixed(2)}); KV: ${processedInKv} of ${states.size} orders processed`,
  ];
  if (dead.length > 0) {
    lines.push(`dead      ${dead.length} in ${deadLetterStream}:`);
    for (const d of dead.slice(0, 5)) {
      lines.push(
        `          order ${d.id} after ${d.deliveryCount} deliveries (${d.reason}): ${d.errorType}: ${d.errorMessage}`,
      );
    }
  }
  if (outcome.lost.length > 0) {
    const more = outcome.lost.length > 20 ? ", …" : "";
    lines.push(`          lost orders: ${outcome.lost.slice(0, 20).join(", ")}${more}`);
  }
  return lines;
}

/** The last line: `1000 orders, 999 processed, 1 dead-lettered, 14 redelivered, 0 lost`. */
export function resultLine(outcome: Outcome, redelivered: number): string {
  return `${outcome.orders} orders, ${outcome.processed} processed, ${outcome.deadLettered.length} dead-lettered, ${redelivered} redelivered, ${outcome.lost.length} lost`;
}
