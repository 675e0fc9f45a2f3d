import { createConsumerManager } from "@helix/nats-consumer";
import type { Connection } from "@helix/nats-core";
import { NotFoundError } from "@helix/nats-core";
import { createKeyValueManager } from "@helix/nats-kv";
import { createPublisher } from "@helix/nats-stream";
import { DataPointType, type MetricData } from "@opentelemetry/sdk-metrics";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createSdk,
  createStream,
  deleteStreams,
  onlySpan,
  type Sdk,
  until,
  useAsyncContext,
} from "./helpers.js";
import {
  connectWith,
  expectFailedWith,
  histogramPoints,
  pointsExactly,
  serverAttrs,
  uniqueName,
} from "./management-helpers.js";

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** The only attribute keys a metric point may carry (the reconnect counter aside). */
const LOW_CARDINALITY = new Set([
  "messaging.system",
  "messaging.operation.name",
  "messaging.operation.type",
  "messaging.destination.name",
  "messaging.consumer.group.name",
  "server.address",
  "server.port",
  "error.type",
]);
const METRICS = [
  "messaging.client.operation.duration",
  "messaging.process.duration",
  "messaging.client.sent.messages",
  "messaging.client.consumed.messages",
];

beforeAll(() => {
  useAsyncContext();
});

/** One sdk and connection per test: metrics are cumulative. */
async function withSdk(
  fn: (sdk: Sdk, conn: Connection, stream: string) => Promise<void>,
  otelOptions: Parameters<typeof connectWith>[1] = {},
): Promise<void> {
  const sdk = createSdk();
  const conn = await connectWith(sdk, { name: "otel-metrics", ...otelOptions });
  const stream = await createStream(conn);
  try {
    await fn(sdk, conn, stream);
  } finally {
    await deleteStreams(conn, [stream]);
    await conn.close();
    await sdk.shutdown();
  }
}

/** A durable explicit-ack consumer made with the raw client (no span, no metric point). */
async function rawConsumer(conn: Connection, stream: string, name: string): Promise<void> {
  const jsm = await conn.manager();
  await jsm.consumers.add(stream, { durable_name: name, ack_policy: "explicit" as const });
}

function attrs(extra: Record<string, unknown>): Record<string, unknown> {
  return { "messaging.system": "nats", ...extra, ...serverAttrs() };
}

function sendAttrs(destination: string, extra: Record<string, unknown> = {}) {
  return attrs({
    "messaging.operation.name": "send",
    "messaging.operation.type": "send",
    "messaging.destination.name": destination,
    ...extra,
  });
}

function receiveAttrs(stream: string, consumer: string) {
  return attrs({
    "messaging.operation.name": "receive",
    "messaging.operation.type": "receive",
    "messaging.destination.name": stream,
    "messaging.consumer.group.name": consumer,
  });
}

function processAttrs(destination: string, consumer: string) {
  return attrs({
    "messaging.operation.name": "process",
    "messaging.operation.type": "process",
    "messaging.destination.name": destination,
    "messaging.consumer.group.name": consumer,
  });
}

/** Every point of every plugin metric carries only low-cardinality attributes. */
async function expectOnlyLowCardinality(sdk: Sdk): Promise<number> {
  let seen = 0;
  for (const name of METRICS) {
    const metric = await sdk.metric(name);
    for (const point of metric?.dataPoints ?? []) {
      seen++;
      for (const key of Object.keys(point.attributes)) {
        expect(LOW_CARDINALITY.has(key), `${name} point attribute ${key}`).toBe(true);
      }
    }
  }
  return seen;
}

function sumOf(metric: MetricData | undefined, match: Record<string, unknown>): number {
  return pointsExactly<number>(metric, match).reduce((n, p) => n + p.value, 0);
}

describe("messaging.client.operation.duration", () => {
  it("a histogram in seconds with the conventions' buckets, one point per attribute set, counting each operation", async () => {
    await withSdk(async (sdk, conn, stream) => {
      const subject = `${stream}.a`;
      await rawConsumer(conn, stream, "m");
      const publisher = createPublisher(conn);
      for (let i = 1; i <= 3; i++) await publisher.publish(subject, { i }, { msgID: `id-${i}` });
      const consumer = await createConsumerManager(conn).get(stream, "m");
      const msgs = await consumer.fetch(3, { expiresMs: 2_000 });
      expect(msgs).toHaveLength(3);
      for (const msg of msgs) await msg.ack();
      const bucket = uniqueName("otkvm");
      const kv = await createKeyValueManager(conn).create({ bucket });
      try {
        await kv.put("k1", "a");
        await kv.put("k2", "b");

        const metric = await sdk.metric("messaging.client.operation.duration");
        expect(metric).toBeDefined();
        expect(metric?.descriptor.unit).toBe("s");
        expect(metric?.dataPointType).toBe(DataPointType.HISTOGRAM);
        const points = histogramPoints(metric);
        expect(points.length).toBeGreaterThan(0);
        for (const point of points) expect(point.value.buckets.boundaries).toEqual(BUCKETS);

        const count = (match: Record<string, unknown>) =>
          pointsExactly<{ count: number }>(metric, match).map((p) => p.value.count);
        expect(count(sendAttrs(subject))).toEqual([3]);
        expect(count(receiveAttrs(stream, "m"))).toEqual([1]);
        expect(
          count(
            attrs({
              "messaging.operation.name": "ack",
              "messaging.operation.type": "settle",
              "messaging.destination.name": subject,
              "messaging.consumer.group.name": "m",
            }),
          ),
        ).toEqual([3]);
        // KV: no operation type, the bucket as destination, and no key.
        expect(
          count(
            attrs({ "messaging.operation.name": "kv.put", "messaging.destination.name": bucket }),
          ),
        ).toEqual([2]);
        expect(
          count(
            attrs({
              "messaging.operation.name": "consumer.get",
              "messaging.destination.name": stream,
              "messaging.consumer.group.name": "m",
            }),
          ),
        ).toEqual([1]);
        // No process point here: handled messages have their own histogram.
        expect(pointsExactly(metric, processAttrs(subject, "m"))).toEqual([]);

        // The spans did carry the high-cardinality attributes the points leave out.
        const send = sdk.named(`send ${subject}`)[0];
        expect(send?.attributes["messaging.message.id"]).toBe("id-1");
        expect(send?.attributes["messaging.nats.message.stream_sequence"]).toBe(1);
        expect(sdk.named(`kv.put ${bucket}`)[0]?.attributes["messaging.nats.kv.key"]).toBe("k1");
        expect(await expectOnlyLowCardinality(sdk)).toBeGreaterThan(0);
      } finally {
        await createKeyValueManager(conn).delete(bucket);
      }
    });
  });
});

describe("messaging.process.duration", () => {
  it("one count per handled message, auto-ack included; consumed.messages counts them", async () => {
    await withSdk(async (sdk, conn, stream) => {
      const subject = `${stream}.p`;
      await rawConsumer(conn, stream, "proc");
      for (let i = 0; i < 4; i++) await conn.jetstream.publish(subject, `m${i}`);
      const consumer = await createConsumerManager(conn).get(stream, "proc");
      let handled = 0;
      const ctx = consumer.consume(() => {
        handled++;
      });
      await until(() => handled === 4);
      await ctx.drain();
      await until(() => sdk.named(`ack ${subject}`).length === 4);

      const processDuration = await sdk.metric("messaging.process.duration");
      expect(processDuration?.descriptor.unit).toBe("s");
      const points = histogramPoints(processDuration);
      expect(points).toHaveLength(1);
      expect(points[0]?.attributes).toEqual(processAttrs(subject, "proc"));
      expect(points[0]?.value.count).toBe(4);
      expect(points[0]?.value.buckets.boundaries).toEqual(BUCKETS);

      const consumed = await sdk.metric("messaging.client.consumed.messages");
      expect(consumed?.descriptor.unit).toBe("{message}");
      expect(sumOf(consumed, processAttrs(subject, "proc"))).toBe(4);
      expect(await expectOnlyLowCardinality(sdk)).toBeGreaterThan(0);
    });
  });
});

describe("messaging.client.sent.messages", () => {
  it("counts publishes; a failed one carries the span's error.type NOT_FOUND", async () => {
    await withSdk(async (sdk, conn, stream) => {
      const subject = `${stream}.s`;
      const publisher = createPublisher(conn, { retry: false });
      await publisher.publish(subject, "1");
      await publisher.publish(subject, "2");
      const nowhere = `${uniqueName("nowhere")}.x`;
      const err = await publisher.publish(nowhere, "lost").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);

      const sent = await sdk.metric("messaging.client.sent.messages");
      expect(sent?.descriptor.unit).toBe("{message}");
      expect(pointsExactly<number>(sent, sendAttrs(subject)).map((p) => p.value)).toEqual([2]);
      const failed = pointsExactly<number>(sent, sendAttrs(nowhere, { "error.type": "NOT_FOUND" }));
      expect(failed.map((p) => p.value)).toEqual([1]);
      expect(pointsExactly(sent, sendAttrs(nowhere))).toEqual([]);

      const span = onlySpan(sdk, `send ${nowhere}`);
      expectFailedWith(span, err, "NOT_FOUND");
      expect(span.attributes["error.type"]).toBe(failed[0]?.attributes["error.type"]);

      const duration = await sdk.metric("messaging.client.operation.duration");
      expect(
        pointsExactly<{ count: number }>(
          duration,
          sendAttrs(nowhere, { "error.type": "NOT_FOUND" }),
        ).map((p) => p.value.count),
      ).toEqual([1]);
    });
  });
});

describe("messaging.client.consumed.messages", () => {
  it("sums the messages fetched and the messages handed to consume handlers", async () => {
    await withSdk(async (sdk, conn, stream) => {
      const fetched = `${stream}.f`;
      const handledSubject = `${stream}.h`;
      const jsm = await conn.manager();
      await jsm.consumers.add(stream, {
        durable_name: "puller",
        ack_policy: "explicit" as const,
        filter_subject: fetched,
      });
      await jsm.consumers.add(stream, {
        durable_name: "handler",
        ack_policy: "explicit" as const,
        filter_subject: handledSubject,
      });
      for (let i = 0; i < 3; i++) await conn.jetstream.publish(fetched, `f${i}`);
      for (let i = 0; i < 2; i++) await conn.jetstream.publish(handledSubject, `h${i}`);

      const manager = createConsumerManager(conn);
      const puller = await manager.get(stream, "puller");
      const first = await puller.fetch(2, { expiresMs: 2_000 });
      const second = await puller.fetch(5, { expiresMs: 1_000 });
      expect(first.length + second.length).toBe(3);
      for (const msg of [...first, ...second]) await msg.ack();
      // An empty pull adds nothing.
      expect(await puller.fetchNoWait(5)).toEqual([]);

      const handler = await manager.get(stream, "handler");
      let handled = 0;
      const ctx = handler.consume(() => {
        handled++;
      });
      await until(() => handled === 2);
      await ctx.drain();
      await until(() => sdk.named(`process ${handledSubject}`).length === 2);

      const consumed = await sdk.metric("messaging.client.consumed.messages");
      expect(sumOf(consumed, receiveAttrs(stream, "puller"))).toBe(3);
      expect(sumOf(consumed, processAttrs(handledSubject, "handler"))).toBe(2);
      const total = (consumed?.dataPoints ?? []).reduce((n, p) => n + (p.value as number), 0);
      expect(total).toBe(5);
      // Three pulls were timed, with the same attributes.
      const duration = await sdk.metric("messaging.client.operation.duration");
      expect(
        pointsExactly<{ count: number }>(duration, receiveAttrs(stream, "puller")).map(
          (p) => p.value.count,
        ),
      ).toEqual([3]);
    });
  });
});

describe("the destination option", () => {
  it("renames messaging.destination.name on metric points as on spans", async () => {
    let stream = "";
    const namer = (subject: string) =>
      stream !== "" && subject.startsWith(`${stream}.x.`) ? `${stream}.x.*` : subject;
    const sdk = createSdk();
    const conn = await connectWith(sdk, { name: "otel-metrics", otel: { destination: namer } });
    try {
      stream = await createStream(conn);
      await rawConsumer(conn, stream, "d");
      const publisher = createPublisher(conn);
      await publisher.publish(`${stream}.x.1`, "1");
      await publisher.publish(`${stream}.x.2`, "2");
      const consumer = await createConsumerManager(conn).get(stream, "d");
      let handled = 0;
      const ctx = consumer.consume(() => {
        handled++;
      });
      await until(() => handled === 2);
      await ctx.drain();
      await until(() => sdk.named(`ack ${stream}.x.*`).length === 2);

      const renamed = `${stream}.x.*`;
      const sent = await sdk.metric("messaging.client.sent.messages");
      expect(pointsExactly<number>(sent, sendAttrs(renamed)).map((p) => p.value)).toEqual([2]);
      expect(pointsExactly(sent, sendAttrs(`${stream}.x.1`))).toEqual([]);
      const processDuration = await sdk.metric("messaging.process.duration");
      expect(
        pointsExactly<{ count: number }>(processDuration, processAttrs(renamed, "d")).map(
          (p) => p.value.count,
        ),
      ).toEqual([2]);
      const consumed = await sdk.metric("messaging.client.consumed.messages");
      expect(sumOf(consumed, processAttrs(renamed, "d"))).toBe(2);
      for (const name of METRICS) {
        for (const point of (await sdk.metric(name))?.dataPoints ?? []) {
          expect(String(point.attributes["messaging.destination.name"])).not.toMatch(/\.x\.\d$/);
        }
      }

      // The spans use the same name; the real subject stays in messaging.nats.subject.
      const sends = sdk.named(`send ${renamed}`);
      expect(sends.map((s) => s.attributes["messaging.destination.name"])).toEqual([
        renamed,
        renamed,
      ]);
      expect(sends.map((s) => s.attributes["messaging.nats.subject"])).toEqual([
        `${stream}.x.1`,
        `${stream}.x.2`,
      ]);
    } finally {
      if (stream !== "") await deleteStreams(conn, [stream]);
      await conn.close();
      await sdk.shutdown();
    }
  });
});
