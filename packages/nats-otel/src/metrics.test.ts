import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { describe, expect, it } from "vitest";
import { MAX_ATTRIBUTE_SETS, messagingMetrics } from "./metrics.js";
import { METRIC_MESSAGING_CLIENT_SENT_MESSAGES } from "./semconv.js";

function sdk() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    async points(name: string): Promise<DataPoint<number>[]> {
      exporter.reset();
      await reader.forceFlush();
      const metrics =
        exporter
          .getMetrics()
          .at(-1)
          ?.scopeMetrics.flatMap((s) => s.metrics) ?? [];
      return (metrics.find((m) => m.descriptor.name === name)?.dataPoints ??
        []) as DataPoint<number>[];
    },
  };
}

describe("messagingMetrics", () => {
  it("undefined for the API's no-op meter provider", () => {
    expect(messagingMetrics(undefined, "t")).toBeUndefined();
  });

  it("tallies are reported as cumulative sums at collection", async () => {
    const { provider, points } = sdk();
    const m = messagingMetrics(provider, "t");
    m?.sent.add("a", () => ({ dest: "a" }), 1);
    m?.sent.add("a", () => ({ dest: "a" }), 2);
    m?.sent.add("b", () => ({ dest: "b" }), 5);
    expect(
      (await points(METRIC_MESSAGING_CLIENT_SENT_MESSAGES)).map((p) => [p.attributes, p.value]),
    ).toEqual([
      [{ dest: "a" }, 3],
      [{ dest: "b" }, 5],
    ]);
    m?.sent.add("a", () => ({ dest: "a" }), 1);
    expect((await points(METRIC_MESSAGING_CLIENT_SENT_MESSAGES))[0]?.value).toBe(4);
  });

  it("plugins on one meter share the totals instead of reporting competing ones", async () => {
    const { provider, points } = sdk();
    const first = messagingMetrics(provider, "t");
    const second = messagingMetrics(provider, "t");
    expect(second).toBe(first);
    first?.sent.add("k", () => ({ dest: "x" }), 1);
    second?.sent.add("k", () => ({ dest: "x" }), 1);
    expect((await points(METRIC_MESSAGING_CLIENT_SENT_MESSAGES)).map((p) => p.value)).toEqual([2]);
  });

  it("attribute sets past the limit are counted under one overflow set", async () => {
    const { provider, points } = sdk();
    const m = messagingMetrics(provider, "t");
    for (let i = 0; i < MAX_ATTRIBUTE_SETS + 10; i++) m?.sent.add(`k${i}`, () => ({ i }), 1);
    const all = await points(METRIC_MESSAGING_CLIENT_SENT_MESSAGES);
    const overflow = all.filter((p) => p.attributes["otel.metric.overflow"] === true);
    expect(overflow.map((p) => p.value)).toEqual([10]);
    expect(all.length).toBe(MAX_ATTRIBUTE_SETS + 1);
    expect(all.reduce((sum, p) => sum + p.value, 0)).toBe(MAX_ATTRIBUTE_SETS + 10);
  });

  it("an attribute object is built once per key", () => {
    const m = messagingMetrics(sdk().provider, "t");
    let built = 0;
    const build = () => {
      built++;
      return { a: 1 };
    };
    const first = m?.attributes("k", build);
    expect(m?.attributes("k", build)).toBe(first);
    expect(built).toBe(1);
  });
});
