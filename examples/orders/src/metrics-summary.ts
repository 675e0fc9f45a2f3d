// The metrics summary printed at the end, read from the in-memory metric reader: messages sent
// and consumed per destination, and p50/p99 of the process duration estimated from its histogram.
import type { DataPoint, Histogram, MetricData } from "@opentelemetry/sdk-metrics";

const SENT = "messaging.client.sent.messages";
const CONSUMED = "messaging.client.consumed.messages";
const PROCESS = "messaging.process.duration";
const DEAD_LETTERED = "messaging.nats.consumer.dead_lettered";
const DESTINATION = "messaging.destination.name";
const OPERATION = "messaging.operation.name";

/**
 * Sums a counter's points by operation and destination (`"process ORDERS_x.created"`), leaving out
 * failed operations (points with `error.type`) when `failed` is false.
 */
export function countsBy(
  metrics: readonly MetricData[],
  name: string,
  failed: boolean,
): Map<string, number> {
  const totals = new Map<string, number>();
  const metric = metrics.find((m) => m.descriptor.name === name);
  for (const point of (metric?.dataPoints ?? []) as DataPoint<number>[]) {
    if (!failed && point.attributes["error.type"] !== undefined) continue;
    const key = `${point.attributes[OPERATION]} ${point.attributes[DESTINATION]}`;
    totals.set(key, (totals.get(key) ?? 0) + point.value);
  }
  return totals;
}

/** A quantile estimated from histogram buckets: a value, or a bound when the bucket is open. */
export interface Quantile {
  /** "≈" inside a bucket (interpolated), "<=" in the first, ">" in the overflow bucket. */
  relation: "≈" | "<=" | ">";
  seconds: number;
}

/** Estimates quantile `q` (0..1) of a histogram, interpolating linearly inside its bucket. */
export function quantile(histogram: Histogram, q: number): Quantile | undefined {
  const { boundaries, counts } = histogram.buckets;
  if (histogram.count === 0) return undefined;
  const rank = q * histogram.count;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const inBucket = counts[i] as number;
    if (inBucket > 0 && below + inBucket >= rank) {
      const lower = i === 0 ? histogram.min : (boundaries[i - 1] as number);
      const upper = i === boundaries.length ? histogram.max : (boundaries[i] as number);
      if (lower === undefined || upper === undefined) {
        return i === 0
          ? { relation: "<=", seconds: boundaries[0] as number }
          : { relation: ">", seconds: boundaries[i - 1] as number };
      }
      const from = Math.max(lower, histogram.min ?? lower);
      const to = Math.min(upper, histogram.max ?? upper);
      return { relation: "≈", seconds: from + (to - from) * ((rank - below) / inBucket) };
    }
    below += inBucket;
  }
  return undefined;
}

/** The process-duration histogram of the consume handlers on `destination`, merged. */
export function processHistogram(
  metrics: readonly MetricData[],
  destination: string,
): Histogram | undefined {
  const metric = metrics.find((m) => m.descriptor.name === PROCESS);
  const points = ((metric?.dataPoints ?? []) as DataPoint<Histogram>[]).filter(
    (p) => p.attributes[DESTINATION] === destination,
  );
  const first = points[0]?.value;
  if (first === undefined) return undefined;
  const merged: Histogram = {
    buckets: { boundaries: first.buckets.boundaries, counts: first.buckets.counts.map(() => 0) },
    count: 0,
    sum: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
  };
  for (const { value } of points) {
    merged.count += value.count;
    merged.sum = (merged.sum ?? 0) + (value.sum ?? 0);
    merged.min = Math.min(merged.min as number, value.min ?? Number.POSITIVE_INFINITY);
    merged.max = Math.max(merged.max as number, value.max ?? Number.NEGATIVE_INFINITY);
    value.buckets.counts.forEach((c, i) => {
      merged.buckets.counts[i] = (merged.buckets.counts[i] as number) + c;
    });
  }
  return merged;
}

function formatQuantile(q: Quantile | undefined): string {
  return q === undefined ? "n/a" : `${q.relation} ${(q.seconds * 1e3).toFixed(2)} ms`;
}

/** The lines of the metrics summary. */
export function renderMetricsSummary(
  metrics: readonly MetricData[],
  subjects: { created: string; done: string; deadLetters: string },
): string[] {
  const sent = countsBy(metrics, SENT, false); // stored messages only
  const consumed = countsBy(metrics, CONSUMED, true); // a failed handler call consumed one too
  const lines: string[] = [];
  const count = (map: Map<string, number>, key: string) => map.get(key) ?? 0;
  lines.push(
    `  sent      ${count(sent, `send ${subjects.created}`)} to ${subjects.created}, ${count(sent, `send ${subjects.done}`)} to ${subjects.done}`,
  );
  const fetched = [...consumed]
    .filter(([k]) => k.startsWith("receive "))
    .reduce((n, [, v]) => n + v, 0);
  lines.push(
    `  consumed  ${count(consumed, `process ${subjects.created}`)} from ${subjects.created} (deliveries, redeliveries included), ${fetched} fetched`,
  );
  const dead = countsBy(metrics, DEAD_LETTERED, false);
  lines.push(
    `  dead      ${count(dead, `deadletter ${subjects.deadLetters}`)} to ${subjects.deadLetters}`,
  );
  const histogram = processHistogram(metrics, subjects.created);
  if (histogram) {
    lines.push(
      `  process   p50 ${formatQuantile(quantile(histogram, 0.5))}, p99 ${formatQuantile(quantile(histogram, 0.99))}, max ${((histogram.max ?? 0) * 1e3).toFixed(2)} ms over ${histogram.count} handler calls`,
    );
  }
  return lines;
}
