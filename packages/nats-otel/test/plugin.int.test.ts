import { createConsumerManager, type Msg } from "@helix/nats-consumer";
import {
  ConfigError,
  type ConfigReason,
  type Connection,
  connect,
  NotFoundError,
} from "@helix/nats-core";
import { createKeyValueManager } from "@helix/nats-kv";
import { createPublisher, createStreamManager } from "@helix/nats-stream";
import type { Meter, MeterProvider, Tracer, TracerProvider } from "@opentelemetry/api";
import { propagation, trace } from "@opentelemetry/api";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { type OtelOptions, otel } from "../src/index.js";
import {
  createSdk,
  createStream,
  deleteStreams,
  onlySpan,
  sdkOptions,
  until,
  useAsyncContext,
  w3cPropagator,
} from "./helpers.js";
import { uniqueName } from "./management-helpers.js";

beforeAll(() => {
  useAsyncContext();
});

const METRICS = [
  "messaging.client.operation.duration",
  "messaging.process.duration",
  "messaging.client.sent.messages",
  "messaging.client.consumed.messages",
  "messaging.nats.client.reconnects",
];

function configErrorOf(fn: () => unknown): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const err = caught as ConfigError;
  expect(err.code).toBe("CONFIG_INVALID");
  return err;
}

function byPath(reasons: readonly ConfigReason[]): ConfigReason[] {
  return [...reasons].sort((a, b) => a.path.join(".").localeCompare(b.path.join(".")));
}

describe("otel() options", () => {
  it("reports every problem at once, with its path, in one ConfigError", () => {
    const err = configErrorOf(() =>
      otel({
        processParent: "child",
        settleSpan: true,
        destination: "orders",
      } as unknown as OtelOptions),
    );
    expect(byPath(err.reasons)).toEqual([
      {
        path: ["otel", "destination"],
        message: "destination must be a function from subject to name",
      },
      { path: ["otel", "processParent"], message: 'processParent must be "parent" or "link"' },
      { path: ["otel", "settleSpan"], message: 'unknown option "settleSpan"' },
    ]);
    expect(err.message).toContain("Config > otel > processParent");
    expect(err.message).toContain("Config > otel > settleSpan");
    expect(err.message).toContain("Config > otel > destination");
  });

  it("checks providers, propagator and booleans too", () => {
    const err = configErrorOf(() =>
      otel({
        tracerProvider: {},
        meterProvider: 1,
        propagator: { inject: () => {} },
        recordBodySize: "yes",
        settleSpans: 0,
      } as unknown as OtelOptions),
    );
    expect(byPath(err.reasons).map((r) => r.path)).toEqual([
      ["otel", "meterProvider"],
      ["otel", "propagator"],
      ["otel", "recordBodySize"],
      ["otel", "settleSpans"],
      ["otel", "tracerProvider"],
    ]);
  });

  it("refuses options that are not an object", () => {
    const err = configErrorOf(() => otel("fast" as unknown as OtelOptions));
    expect(err.reasons.map((r) => r.path)).toEqual([["otel"]]);
  });

  it("accepts no options and every valid option", () => {
    expect(otel().name).toBe("otel");
    const sdk = createSdk();
    expect(
      otel({
        ...sdkOptions(sdk),
        processParent: "link",
        destination: (s) => s,
        recordBodySize: true,
        settleSpans: false,
      }).name,
    ).toBe("otel");
    return sdk.shutdown();
  });
});

describe("installing the plugin", () => {
  it("conn.use() on an open connection installs the middleware named otel, innermost", async () => {
    const sdk = createSdk();
    const conn = await connect({ addresses: [inject("natsUrl")], name: "otel-use" });
    const stream = await createStream(conn);
    try {
      expect(conn.middleware.names).toEqual([]);
      const seen: string[] = [];
      conn.middleware.add(
        async (op, next) => {
          seen.push(op.kind);
          return next();
        },
        { name: "recorder" },
      );
      expect(conn.use(otel(sdkOptions(sdk)))).toBe(conn);
      expect(conn.middleware.names).toEqual(["recorder", "otel"]);
      const ack = await createPublisher(conn).publish(`${stream}.a`, "hi");
      expect(ack.seq).toBe(1);
      const span = onlySpan(sdk, `send ${stream}.a`);
      expect(span.attributes["messaging.client.id"]).toBe("otel-use");
      expect(seen).toEqual(["publish"]);

      // Twice on the same connection: refused, the stack unchanged.
      let err: unknown;
      try {
        conn.use(otel(sdkOptions(sdk)));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect(err).toMatchObject({ code: "CONFIG_INVALID" });
      expect((err as Error).message).toContain('plugin "otel" is already installed');
      expect(conn.middleware.names).toEqual(["recorder", "otel"]);
      // Still one span per operation.
      await createPublisher(conn).publish(`${stream}.a`, "again");
      expect(sdk.named(`send ${stream}.a`)).toHaveLength(2);
    } finally {
      await deleteStreams(conn, [stream]);
      await conn.close();
      await sdk.shutdown();
    }
  });

  it("two otel plugins at connect are refused", async () => {
    const err = await connect({
      addresses: [inject("natsUrl")],
      plugins: [otel(), otel()],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: "CONFIG_INVALID" });
  });
});

/** How often the broken tracer and instruments were called. */
interface BrokenCalls {
  startSpan: number;
  record: number;
}

/** A tracer provider whose tracer throws on every call. */
function throwingTracerProvider(calls: BrokenCalls): TracerProvider {
  const tracer = {
    startSpan() {
      calls.startSpan++;
      throw new Error("tracer broken");
    },
    startActiveSpan() {
      throw new Error("tracer broken");
    },
  } as unknown as Tracer;
  return { getTracer: () => tracer };
}

/**
 * A meter provider (the whole `Meter` interface) whose instruments throw on every record, add
 * and observation; observable instruments keep their callbacks, as an SDK would.
 */
function throwingMeterProvider(calls: BrokenCalls): MeterProvider {
  const synchronous = () => ({
    record() {
      calls.record++;
      throw new Error("histogram broken");
    },
    add() {
      calls.record++;
      throw new Error("counter broken");
    },
  });
  const observable = () => ({ addCallback() {}, removeCallback() {} });
  const meter = {
    createHistogram: synchronous,
    createCounter: synchronous,
    createUpDownCounter: synchronous,
    createGauge: synchronous,
    createObservableCounter: observable,
    createObservableGauge: observable,
    createObservableUpDownCounter: observable,
    addBatchObservableCallback() {},
    removeBatchObservableCallback() {},
  } as unknown as Meter;
  return { getMeter: () => meter };
}

/** A meter provider whose meter throws as soon as an instrument is created. */
function failingMeterProvider(): MeterProvider {
  const fail = () => {
    throw new Error("meter broken");
  };
  const meter = {
    createHistogram: fail,
    createCounter: fail,
    createUpDownCounter: fail,
    createGauge: fail,
    createObservableCounter: fail,
    createObservableGauge: fail,
    createObservableUpDownCounter: fail,
    addBatchObservableCallback: fail,
    removeBatchObservableCallback: fail,
  } as unknown as Meter;
  return { getMeter: () => meter };
}

/** Publishes, consumes, fetches, uses KV and fails one call; asserts every result is normal. */
async function exercise(conn: Connection): Promise<Msg[]> {
  const stream = await createStream(conn);
  try {
    const publisher = createPublisher(conn);
    const acks = [];
    for (let i = 0; i < 3; i++) acks.push(await publisher.publish(`${stream}.a`, { i }));
    expect(acks.map((a) => [a.stream, a.seq, a.duplicate])).toEqual([
      [stream, 1, false],
      [stream, 2, false],
      [stream, 3, false],
    ]);

    const consumers = createConsumerManager(conn);
    const c = await consumers.createOrUpdate(stream, { durable_name: "h" });
    const handled: Msg[] = [];
    const errors: Error[] = [];
    const ctx = c.consume(
      (msg) => {
        handled.push(msg);
      },
      { onError: (e) => errors.push(e) },
    );
    await until(() => handled.length === 3);
    await ctx.drain();
    await expect(ctx.closed).resolves.toBeUndefined();
    expect(errors).toEqual([]);
    expect(handled.map((m) => m.json())).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    expect(handled.every((m) => m.settled)).toBe(true);
    const info = await (await conn.manager()).consumers.info(stream, "h");
    expect(info.num_ack_pending).toBe(0);
    expect(info.delivered.stream_seq).toBe(3);

    const puller = await consumers.createOrUpdate(stream, { durable_name: "p" });
    const fetched = await puller.fetch(3, { expiresMs: 2_000 });
    expect(fetched.map((m) => m.seq)).toEqual([1, 2, 3]);
    for (const msg of fetched) await msg.ackAck();

    const bucket = uniqueName("otkvp");
    const kv = await createKeyValueManager(conn).create({ bucket });
    expect(await kv.put("k", "v")).toBe(1);
    expect((await kv.get("k"))?.string()).toBe("v");
    await createKeyValueManager(conn).delete(bucket);

    // A failure passes through unchanged.
    const err = await createStreamManager(conn)
      .get(`${stream}NOPE`)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ what: "stream", resource: `${stream}NOPE` });
    return fetched;
  } finally {
    await deleteStreams(conn, [stream]);
  }
}

describe("telemetry never breaks messaging", () => {
  it("a tracer that throws on startSpan and instruments that throw: every call works and returns normally", async () => {
    const calls: BrokenCalls = { startSpan: 0, record: 0 };
    const conn = await connect({
      addresses: [inject("natsUrl")],
      name: "otel-broken",
      plugins: [
        otel({
          tracerProvider: throwingTracerProvider(calls),
          meterProvider: throwingMeterProvider(calls),
          propagator: w3cPropagator(),
        }),
      ],
    });
    try {
      expect(conn.middleware.names).toEqual(["otel"]);
      await exercise(conn);
      // The broken parts were really called, for every kind of operation.
      expect(calls.startSpan).toBeGreaterThanOrEqual(20);
      expect(calls.record).toBeGreaterThanOrEqual(20);
    } finally {
      await conn.close();
    }
  });

  it("a meter that throws when instruments are created: connect and every call still work, spans are still made", async () => {
    const sdk = createSdk();
    const conn = await connect({
      addresses: [inject("natsUrl")],
      name: "otel-broken-meter",
      plugins: [
        otel({
          tracerProvider: sdk.tracerProvider,
          meterProvider: failingMeterProvider(),
          propagator: sdk.propagator,
        }),
      ],
    });
    try {
      expect(conn.middleware.names).toEqual(["otel"]);
      await exercise(conn);
      expect(sdk.spans().some((s) => s.name.startsWith("send "))).toBe(true);
    } finally {
      await conn.close();
      await sdk.shutdown();
    }
  });

  it("with no providers and no global SDK, everything works and nothing is recorded", async () => {
    // Only the global context manager is set (useAsyncContext): no tracer, meter or propagator.
    expect(trace.getTracerProvider().getTracer("probe").startSpan("probe").isRecording()).toBe(
      false,
    );
    const sdk = createSdk();
    const tracing = otel();
    const conn = await connect({
      addresses: [inject("natsUrl")],
      name: "otel-no-sdk",
      plugins: [tracing],
    });
    try {
      expect(conn.middleware.names).toEqual(["otel"]);
      const fetched = await exercise(conn);
      // No propagator: no trace headers were written, and a message carries no context.
      for (const msg of fetched) {
        expect(msg.headers?.get("traceparent") ?? "").toBe("");
        expect(msg.headers?.get("Traceparent") ?? "").toBe("");
        expect(trace.getSpan(tracing.messageContext(msg))).toBeUndefined();
      }
      expect(sdk.spans()).toEqual([]);
      for (const name of METRICS) expect(await sdk.metric(name)).toBeUndefined();
    } finally {
      await conn.close();
      await sdk.shutdown();
    }
  });

  it("steps aside while no SDK is registered, and traces once one is registered after connect", async () => {
    const sdk = createSdk();
    const tracing = otel();
    const conn = await connect({
      addresses: [inject("natsUrl")],
      name: "otel-late-sdk",
      plugins: [tracing],
    });
    try {
      // Idle: the stack passes the plugin over, and the message paths build no operations.
      expect(conn.middleware.idle()).toBe(true);
      await exercise(conn);
      expect(sdk.spans()).toEqual([]);

      trace.setGlobalTracerProvider(sdk.tracerProvider);
      propagation.setGlobalPropagator(sdk.propagator);
      expect(conn.middleware.idle()).toBe(false);
      const fetched = await exercise(conn);
      const names = new Set(sdk.spans().map((s) => s.name));
      expect([...names].filter((n) => n.startsWith("send ")).length).toBe(1);
      expect([...names].filter((n) => n.startsWith("process ")).length).toBe(1);
      // Consumed in the trace its publish started.
      const send = sdk.spans().find((s) => s.name.startsWith("send "));
      const first = fetched[0] as Msg;
      expect(trace.getSpanContext(tracing.messageContext(first))?.traceId).toBe(
        send?.spanContext().traceId,
      );

      trace.disable();
      propagation.disable();
      expect(conn.middleware.idle()).toBe(true);
    } finally {
      trace.disable();
      propagation.disable();
      await conn.close();
      await sdk.shutdown();
    }
  });
});
