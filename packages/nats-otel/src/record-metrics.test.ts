import type { ClientInfo, ConnectionEvent } from "@helix/nats-core";
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { describe, expect, it } from "vitest";
import { messagingMetrics } from "./metrics.js";
import { recordConnectionEvent } from "./record-metrics.js";
import { METRIC_MESSAGING_NATS_CLIENT_RECONNECTS } from "./semconv.js";

const client: ClientInfo = { name: "orders-api", serverAddress: undefined, serverPort: undefined };

describe("recordConnectionEvent", () => {
  it("counts reconnects by client and server, IPv6 included; other events are not counted", async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const metrics = messagingMetrics(new MeterProvider({ readers: [reader] }), "t");
    if (metrics === undefined) throw new Error("expected instruments");
    const events: ConnectionEvent[] = [
      { type: "reconnect", server: "127.0.0.1:4222" },
      { type: "reconnect", server: "[::1]:4223" },
      { type: "reconnect", server: "127.0.0.1:4222" },
      { type: "disconnect", server: "127.0.0.1:4222" },
      { type: "reconnecting" },
    ];
    for (const event of events)
      recordConnectionEvent(metrics, { kind: "connection.event", client, event });
    await reader.forceFlush();
    const points = (exporter
      .getMetrics()
      .at(-1)
      ?.scopeMetrics.flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === METRIC_MESSAGING_NATS_CLIENT_RECONNECTS)?.dataPoints ??
      []) as DataPoint<number>[];
    expect(points.map((p) => [p.attributes, p.value])).toEqual([
      [
        {
          "messaging.system": "nats",
          "messaging.client.id": "orders-api",
          "server.address": "127.0.0.1",
          "server.port": 4222,
        },
        2,
      ],
      [
        {
          "messaging.system": "nats",
          "messaging.client.id": "orders-api",
          "server.address": "::1",
          "server.port": 4223,
        },
        1,
      ],
    ]);
  });
});
