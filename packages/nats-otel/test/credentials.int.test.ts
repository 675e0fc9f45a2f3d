import { randomBytes } from "node:crypto";
import { createConsumerManager } from "@helix/nats-consumer";
import { type Config, type Connection, type ConnectionEvent, connect } from "@helix/nats-core";
import { createKeyValueManager } from "@helix/nats-kv";
import { createPublisher, createStreamManager } from "@helix/nats-stream";
import { startServer } from "@helix/nats-testing";
import { SpanStatusCode } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otel } from "../src/index.js";
import { createSdk, type Sdk, sdkOptions, until, useAsyncContext } from "./helpers.js";

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

type TestServer = Awaited<ReturnType<typeof startServer>>;

/**
 * Everything the plugin recorded, as text: every span's name, attributes, events (names and
 * attributes), status message and links, and every metric point's attributes.
 */
async function everythingRecorded(
  sdk: Sdk,
): Promise<{ text: string; spans: number; points: number }> {
  const parts: string[] = [];
  const spans = sdk.spans();
  for (const span of spans) {
    parts.push(
      JSON.stringify({
        name: span.name,
        attributes: span.attributes,
        status: span.status,
        events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
        links: span.links.map((l) => ({ context: l.context, attributes: l.attributes })),
        scope: span.instrumentationScope,
      }),
    );
  }
  let points = 0;
  for (const name of METRICS) {
    const metric = await sdk.metric(name);
    for (const point of metric?.dataPoints ?? []) {
      points++;
      parts.push(JSON.stringify({ metric: name, attributes: point.attributes }));
    }
  }
  return { text: parts.join("\n"), spans: spans.length, points };
}

/**
 * Publishes, consumes, fetches, uses KV, fails four operations, and reconnects once: everything
 * that puts server addresses, subjects and error messages into telemetry.
 */
async function workload(conn: Connection, server: TestServer, events: ConnectionEvent[]) {
  const stream = `CRED${randomBytes(4).toString("hex")}`;
  await createStreamManager(conn).create({ name: stream, subjects: [`${stream}.>`] });
  const publisher = createPublisher(conn, { retry: false });
  for (let i = 0; i < 3; i++) await publisher.publish(`${stream}.a`, { i }, { msgID: `m${i}` });

  const consumers = createConsumerManager(conn);
  const handler = await consumers.createOrUpdate(stream, {
    durable_name: "handler",
    filter_subject: `${stream}.a`,
  });
  let handled = 0;
  const ctx = handler.consume(() => {
    handled++;
  });
  await until(() => handled === 3);
  await ctx.drain();

  const puller = await consumers.createOrUpdate(stream, { durable_name: "puller" });
  for (const msg of await puller.fetch(3, { expiresMs: 2_000 })) await msg.ack();

  const kv = await createKeyValueManager(conn).create({ bucket: `cred${stream}` });
  const r1 = await kv.put("k", "v1");
  await kv.put("k", "v2");
  await kv.get("k");
  await expect(kv.create("k", "again")).rejects.toMatchObject({ code: "KEY_EXISTS" });

  // Failures: their messages land in span statuses and exception events.
  await expect(kv.update("k", "stale", r1)).rejects.toMatchObject({ code: "WRONG_REVISION" });
  await expect(createStreamManager(conn).get(`${stream}MISSING`)).rejects.toMatchObject({
    code: "NOT_FOUND",
  });
  await expect(consumers.get(stream, "ghost")).rejects.toMatchObject({ code: "NOT_FOUND" });
  await expect(publisher.publish(`nowhere${stream}.x`, "lost")).rejects.toMatchObject({
    code: "NOT_FOUND",
  });

  // A reconnect: its counter point names the server too.
  const before = events.filter((e) => e.type === "reconnect").length;
  await server.restart();
  await until(() => events.filter((e) => e.type === "reconnect").length > before, 20_000);
  await expect.poll(() => conn.status().then((s) => s.code), { timeout: 20_000 }).toBe(200);
  await publisher.publish(`${stream}.a`, "after reconnect");

  await createKeyValueManager(conn).delete(`cred${stream}`);
  await createStreamManager(conn).delete(stream);
}

/** Sanity: the workload did produce telemetry, failures and a reconnect point, with the server. */
function expectSubstantial(sdk: Sdk, recorded: { spans: number; points: number }, port: number) {
  expect(recorded.spans).toBeGreaterThan(20);
  expect(recorded.points).toBeGreaterThan(10);
  const names = sdk.spans().map((s) => s.name);
  for (const prefix of ["send ", "process ", "ack ", "receive ", "kv.put ", "kv.create "]) {
    expect(
      names.some((n) => n.startsWith(prefix)),
      prefix,
    ).toBe(true);
  }
  const failed = sdk.spans().filter((s) => s.status.code === SpanStatusCode.ERROR);
  expect(failed.length).toBe(4);
  for (const span of failed) expect(span.events.map((e) => e.name)).toEqual(["exception"]);
  for (const span of sdk.spans().filter((s) => s.name !== "outer")) {
    expect(span.attributes["server.address"]).toBe("127.0.0.1");
    expect(span.attributes["server.port"]).toBe(port);
  }
}

async function run(server: TestServer, config: Config, secrets: readonly string[]): Promise<void> {
  const sdk = createSdk();
  const events: ConnectionEvent[] = [];
  const conn = await connect({
    ...config,
    reconnect: { waitMs: 100, jitterMs: 0 },
    onEvent: (e) => events.push(e),
    plugins: [otel(sdkOptions(sdk))],
  });
  try {
    await workload(conn, server, events);
    const recorded = await everythingRecorded(sdk);
    expectSubstantial(sdk, recorded, server.port);
    expect(recorded.text).toContain(`"server.port":${server.port}`);
    const reconnects = await sdk.metric("messaging.nats.client.reconnects");
    expect(reconnects?.dataPoints.map((p) => p.attributes["server.port"])).toEqual([server.port]);
    for (const secret of secrets) {
      expect(recorded.text).not.toContain(secret);
      expect(recorded.text).not.toContain(encodeURIComponent(secret));
    }
  } finally {
    await conn.close();
    await sdk.shutdown();
  }
}

describe("no credential reaches a span, an event or a metric point", () => {
  const user = "otel-cred-user";
  const pass = "S3cr3t-p4ss";
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ user, pass });
  });
  afterAll(() => server?.stop());

  it("user and password given in the server URL", async () => {
    await run(server, { addresses: [`nats://${user}:${pass}@127.0.0.1:${server.port}`] }, [
      pass,
      `${user}:${pass}`,
      user,
    ]);
  });

  it("user and password given in auth", async () => {
    await run(server, { addresses: [server.url], name: "otel-creds-auth", auth: { user, pass } }, [
      pass,
      `${user}:${pass}`,
      user,
    ]);
  });
});

describe("no token reaches a span, an event or a metric point", () => {
  const token = "T0k3n-0tel-s3cret";
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ token });
  });
  afterAll(() => server?.stop());

  it("token given in auth", async () => {
    await run(server, { addresses: [server.url], name: "otel-creds-token", auth: { token } }, [
      token,
    ]);
  });
});
