import { type Connection, type ConnectionEvent, connect } from "@helix/nats-core";
import { createPublisher } from "@helix/nats-stream";
import { startServer } from "@helix/nats-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otel } from "../src/index.js";
import { createSdk, onlySpan, type Sdk, sdkOptions, until, useAsyncContext } from "./helpers.js";
import { pointsExactly } from "./management-helpers.js";

beforeAll(() => {
  useAsyncContext();
});

const RECONNECTS = "messaging.nats.client.reconnects";

/** Connects to `url` with the plugin wired to `sdk`, reconnecting fast. */
function connectTo(
  sdk: Sdk,
  url: string,
  name: string,
  events: ConnectionEvent[],
): Promise<Connection> {
  return connect({
    addresses: [url],
    name,
    reconnect: { waitMs: 100, jitterMs: 0 },
    onEvent: (e) => events.push(e),
    plugins: [otel(sdkOptions(sdk))],
  });
}

async function reconnected(conn: Connection, events: ConnectionEvent[], before: number) {
  await until(() => events.filter((e) => e.type === "reconnect").length > before, 20_000);
  await expect.poll(() => conn.status().then((s) => s.code), { timeout: 20_000 }).toBe(200);
}

describe("messaging.nats.client.reconnects", () => {
  const sdk = createSdk();
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({ jetstream: true });
  });
  afterAll(async () => {
    await server?.stop();
    await sdk.shutdown();
  });

  it("counts each reconnect, by server.address, server.port and messaging.client.id", async () => {
    const events: ConnectionEvent[] = [];
    const conn = await connectTo(sdk, server.url, "otel-reconnect", events);
    try {
      // No reconnect yet: no point.
      expect((await sdk.metric(RECONNECTS))?.dataPoints ?? []).toEqual([]);

      await server.restart();
      await reconnected(conn, events, 0);
      const expected = {
        "messaging.system": "nats",
        "messaging.client.id": "otel-reconnect",
        "server.address": "127.0.0.1",
        "server.port": server.port,
      };
      const metric = await sdk.metric(RECONNECTS);
      expect(metric?.descriptor.unit).toBe("{reconnect}");
      const [point, ...others] = pointsExactly<number>(metric, expected);
      expect(others).toEqual([]);
      expect(point?.value).toBeGreaterThanOrEqual(1);
      // Every point of the counter is this one.
      expect(metric?.dataPoints).toHaveLength(1);
      const afterFirst = point?.value ?? 0;

      // A crash (SIGKILL) then a start: counted again.
      const seen = events.filter((e) => e.type === "reconnect").length;
      await server.kill("SIGKILL");
      await server.restart();
      await reconnected(conn, events, seen);
      const again = pointsExactly<number>(await sdk.metric(RECONNECTS), expected);
      expect(again.map((p) => p.value)).toEqual([afterFirst + 1]);
      expect(again[0]?.value).toBe(events.filter((e) => e.type === "reconnect").length);

      // Spans after the reconnect still name the server.
      const stream = `RC${server.port}`;
      await (await conn.manager()).streams.add({ name: stream, subjects: [`${stream}.>`] });
      await createPublisher(conn).publish(`${stream}.a`, "after");
      const send = onlySpan(sdk, `send ${stream}.a`);
      expect(send.attributes["server.address"]).toBe("127.0.0.1");
      expect(send.attributes["server.port"]).toBe(server.port);
    } finally {
      await conn.close();
    }
  });
});
