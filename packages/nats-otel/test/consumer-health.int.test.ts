import { createConsumerManager, watchConsumerHealth } from "@helix/nats-consumer";
import type { Connection } from "@helix/nats-core";
import { deferred, until } from "@helix/nats-testing/vitest";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectTraced, createSdk, createStream, deleteStreams, type Sdk } from "./helpers.js";

const GAUGES = [
  "messaging.nats.consumer.pending",
  "messaging.nats.consumer.ack_pending",
  "messaging.nats.consumer.redelivered",
  "messaging.nats.consumer.waiting",
] as const;
const AGE = "messaging.nats.consumer.last_active.age";

let sdk: Sdk;
let gauges: GaugeReader;
let conn: Connection;
let stream: string;
beforeEach(async () => {
  sdk = createSdk();
  gauges = gaugeReader();
  conn = await connectTraced(sdk, { meterProvider: gauges.meterProvider }, "otel-health");
  stream = await createStream(conn);
});
afterEach(async () => {
  await deleteStreams(conn, [stream]);
  await conn.close();
  await sdk.shutdown();
  await gauges.meterProvider.shutdown();
});

/**
 * The SDK's in-memory reader with DELTA temporality: an observable gauge's series that is no
 * longer observed is gone from the next collection. (With CUMULATIVE temporality, the JS SDK
 * keeps exporting the last value of a series its callback stopped observing: SDK behaviour, not
 * the plugin's, which stops observing it.)
 */
interface GaugeReader {
  readonly meterProvider: MeterProvider;
  metric(name: string): Promise<MetricData | undefined>;
}

function gaugeReader(): GaugeReader {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    meterProvider,
    async metric(name) {
      exporter.reset();
      await reader.forceFlush();
      for (const scope of exporter.getMetrics().at(-1)?.scopeMetrics ?? []) {
        for (const m of scope.metrics) if (m.descriptor.name === name) return m;
      }
      return undefined;
    },
  };
}

/** The points of a gauge for one consumer: `[value, attributes]`. */
function pointsOf(metric: MetricData | undefined, consumer: string): [number, unknown][] {
  return (metric?.dataPoints ?? [])
    .filter((p) => p.attributes["messaging.consumer.group.name"] === consumer)
    .map((p) => [p.value as number, p.attributes]);
}

/** The four count gauges of `consumer`, by name (`undefined` when it has no point). */
async function counts(consumer: string): Promise<Record<string, number | undefined>> {
  const out: Record<string, number | undefined> = {};
  for (const name of GAUGES) {
    const points = pointsOf(await gauges.metric(name), consumer);
    expect(points.length).toBeLessThanOrEqual(1);
    out[name.slice("messaging.nats.consumer.".length)] = points[0]?.[0];
  }
  return out;
}

async function publish(n: number): Promise<void> {
  const acks = [];
  for (let i = 0; i < n; i++) acks.push(conn.jetstream.publish(`${stream}.work`, `{"n":${i}}`));
  await Promise.all(acks);
}

describe("consumer health gauges", () => {
  it("report pending while a lagging consume falls behind, a redelivered message, 0 once it caught up, and disappear when the reading stops", async () => {
    const c = await createConsumerManager(conn).createOrUpdate(stream, { durable_name: "w" });
    await publish(20);

    // Before any consume: a standalone reading. A reading is a consumer.health operation: no span.
    const spansBefore = sdk.spans().length;
    const watch = watchConsumerHealth(c, { intervalMs: 60_000 });
    await watch.read();
    expect(sdk.spans().length).toBe(spansBefore);
    expect(await counts("w")).toEqual({ pending: 20, ack_pending: 0, redelivered: 0, waiting: 0 });
    const attributes = pointsOf(
      await gauges.metric("messaging.nats.consumer.pending"),
      "w",
    )[0]?.[1];
    expect(attributes).toEqual({
      "messaging.system": "nats",
      "messaging.nats.stream.name": stream,
      "messaging.consumer.group.name": "w",
    });
    const pending = await gauges.metric("messaging.nats.consumer.pending");
    expect(pending?.descriptor).toMatchObject({ unit: "{message}", type: "OBSERVABLE_GAUGE" });
    // Stopping the reader removes its series.
    await watch.stop();
    expect(await counts("w")).toEqual({
      pending: undefined,
      ack_pending: undefined,
      redelivered: undefined,
      waiting: undefined,
    });

    // Falling behind: a consume (one handler at a time, pulls of 10) that reads its health while
    // it runs. Message 0 fails its first delivery (nak'ed, redelivered after 10 ms); its second
    // delivery holds the only handler until `slow` is released, so everything else waits.
    const slow = deferred();
    const held = deferred();
    let handled = 0;
    const ctx = c.consume(
      async (msg) => {
        const { n } = msg.json<{ n: number }>();
        if (n === 0 && msg.info.deliveryCount === 1) throw new Error("first delivery fails");
        if (n === 0) {
          held.resolve();
          await slow.promise;
        }
        handled++;
      },
      {
        concurrency: 1,
        maxMessages: 10,
        retry: { delaysMs: [10] },
        health: { intervalMs: 100 },
        onError: () => {},
      },
    );
    await held.promise;
    const frozen = handled; // nothing more is handled while message 0 holds the handler
    // Every message is pending (not delivered yet), ack pending (delivered, not acked) or handled.
    const settled = async (stored: number) => {
      const now = await counts("w");
      return now.pending! + now.ack_pending! + frozen === stored && now.redelivered === 1;
    };
    await until(() => settled(20), 10_000, "the lagging reading of 20 messages");
    const behind = await counts("w");
    await publish(30);
    await until(() => settled(50), 10_000, "the lagging reading of 50 messages");
    const further = await counts("w");
    console.info(
      `[consumer health] lagging: handled ${frozen}, then ${JSON.stringify(behind)}, 30 more published: ${JSON.stringify(further)}`,
    );
    expect(handled).toBe(frozen);
    // The 30 new messages are all outstanding, and the pending count grew with them (the client
    // buffers at most 10), while the redelivered message 0 is still in its handler.
    expect(further.pending! + further.ack_pending! - behind.pending! - behind.ack_pending!).toBe(
      30,
    );
    expect(further.pending).toBeGreaterThan(behind.pending!);
    expect(further.redelivered).toBe(1);

    // Catching up: the handler is released; every message handled and acked.
    slow.resolve();
    await until(() => handled === 50, 10_000, "50 messages handled");
    await until(async () => {
      const now = await counts("w");
      return now.pending === 0 && now.ack_pending === 0 && now.redelivered === 0;
    });
    const caughtUp = await counts("w");
    expect({ ...caughtUp, waiting: undefined }).toEqual({
      pending: 0,
      ack_pending: 0,
      redelivered: 0,
      waiting: undefined,
    });
    // The consume keeps pull requests waiting at the server (how many is the client's choice).
    expect(caughtUp.waiting).toBeGreaterThanOrEqual(1);
    const age = pointsOf(await gauges.metric(AGE), "w");
    const ageMetric = await gauges.metric(AGE);
    expect(ageMetric?.descriptor.unit).toBe("s");
    expect(age).toHaveLength(1);
    expect(age[0]?.[0]).toBeGreaterThanOrEqual(0);

    // Stopping the consume stops its reader and removes the series.
    await ctx.drain();
    await until(async () => (await counts("w")).pending === undefined);
    expect(await counts("w")).toEqual({
      pending: undefined,
      ack_pending: undefined,
      redelivered: undefined,
      waiting: undefined,
    });
    expect(pointsOf(await gauges.metric(AGE), "w")).toEqual([]);
  });
});
