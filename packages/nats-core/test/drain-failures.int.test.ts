import { startServer } from "@helix/nats-testing";
import { describe, expect, inject, it } from "vitest";
import { ConnectionError, connect, TimeoutError } from "../src/index.js";

describe("drain when things go wrong", () => {
  it("closes and reports a ConnectionError when the server is unreachable", async () => {
    const server = await startServer();
    try {
      const conn = await connect({ addresses: [server.url], reconnect: { waitMs: 200 } });
      await server.kill("SIGKILL");
      await expect.poll(() => conn.status().then((s) => s.connection)).toBe("reconnecting");
      const err = await conn.drain().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).code).toBe("CONNECTION_CLOSED");
      expect(conn.isClosed).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it("waits for work registered while it waits (a publisher a running handler uses first)", async () => {
    const conn = await connect({ addresses: [inject("natsUrl")] });
    const order: string[] = [];
    conn.onDrain(async () => {
      order.push("handler: running");
      await new Promise((r) => setTimeout(r, 50));
      // the handler publishes through a publisher that was idle when the drain began
      conn.onDrain(async () => {
        await new Promise((r) => setTimeout(r, 50));
        order.push("publisher: acked");
      });
      order.push("handler: done");
    });
    await conn.drain();
    order.push("closed");
    expect(order).toEqual(["handler: running", "handler: done", "publisher: acked", "closed"]);
  });

  it("closes and throws TimeoutError when registered work outlives the drain timeout", async () => {
    const conn = await connect({ addresses: [inject("natsUrl")] });
    let finished = false;
    conn.onDrain(async () => {
      await new Promise((r) => setTimeout(r, 2_000));
      finished = true;
    });
    const err = await conn.drain({ timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toContain("200 ms");
    expect(conn.isClosed).toBe(true);
    expect(finished).toBe(false);
  });
});
