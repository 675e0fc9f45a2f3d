// Calls that cannot succeed are refused before anything is sent, on every server version: a
// server without JetStream (its INFO says so), a closed or draining connection. Before, the first
// looked like a leader election (retried for more than a second), and the last two were sent,
// applied, and reported as an untyped "connection closed".
import { startServer } from "@helix/nats-testing";
import { describe, expect, it } from "vitest";
import { type Connection, connect, type StreamOperation, toHelixError } from "../src/index.js";
import { runOperation } from "../src/internal.js";

function streamGet(conn: Connection): StreamOperation {
  return { kind: "stream.get", client: conn.client, stream: "ORDERS" };
}

describe("calls refused before anything is sent", () => {
  it("a server without JetStream: not retryable, at once, and status() says why", async () => {
    await using server = await startServer({ jetstream: false });
    await using conn = await connect({ addresses: [server.url], name: "core-int-nojs" });
    const before = conn.nats.stats().outMsgs;
    let called = false;
    const err = await runOperation(conn, streamGet(conn), async () => {
      called = true;
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: "JetStreamUnavailableError",
      code: "JETSTREAM_UNAVAILABLE",
      retryable: false,
      message: `stream.get: JetStream is not enabled on the server "${server.name}" at 127.0.0.1:${server.port}; start it with -js or a jetstream {} block`,
    });
    expect(called).toBe(false);
    expect(conn.nats.stats().outMsgs).toBe(before);
    expect(await conn.status()).toEqual({
      code: 503,
      connection: "connected",
      jetstream: false,
      server: { address: "127.0.0.1", port: server.port },
      reason: "JetStream is not enabled on this server (its INFO says so)",
    });
  });

  it("a draining or closed connection: ConnectionError with its own code, nothing sent", async () => {
    await using server = await startServer();
    const conn = await connect({ addresses: [server.url], name: "core-int-draining" });
    await conn.nats.flush();
    const draining = conn.nats.drain(); // the client is draining from this call on
    expect(conn.nats.isDraining()).toBe(true);
    const err = await runOperation(conn, streamGet(conn), async () => "sent").catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: "ConnectionError", code: "CONNECTION_DRAINING" });
    await draining;
    const closed = await runOperation(conn, streamGet(conn), async () => "sent").catch(
      (e: unknown) => e,
    );
    expect(closed).toMatchObject({
      name: "ConnectionError",
      code: "CONNECTION_CLOSED",
      message: "stream.get: the connection is closed",
    });
  });

  it("a request the closing connection gives up on is a ConnectionError, not an untyped error", async () => {
    await using server = await startServer();
    const conn = await connect({ addresses: [server.url], name: "core-int-closing" });
    conn.nats.subscribe("slow", { callback: () => {} }); // never answers
    const pending = conn.nats.request("slow", "x", { timeout: 30_000 }).catch((e: unknown) => e);
    await conn.nats.flush();
    await conn.close();
    expect(toHelixError(await pending)).toMatchObject({
      name: "ConnectionError",
      code: "CONNECTION_CLOSED",
      message: "the connection closed before the server answered",
    });
  });
});
