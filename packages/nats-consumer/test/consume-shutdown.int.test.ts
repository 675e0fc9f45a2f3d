import { ConnectionError, TimeoutError } from "@helix/nats-core";
import { describe, expect, inject, it } from "vitest";
import { createConsumerManager } from "../src/index.js";
import { holdingConsume, publish, setup } from "./helpers.js";

// A handler that never returns must not hold a shutdown for ever. Once the connection is closed
// (by conn.close(), or by conn.drain() when its deadline passed), nothing the handler does can
// reach the server: its signal aborts and closed (and drain()) reject with a ConnectionError.

/** A connection of its own (it gets closed), a consumer made with the defaults, `count` messages. */
async function hangingRun(name: string) {
  const url = inject("natsUrl");
  const own = await setup(name, url);
  const stream = await own.stream();
  const c = await createConsumerManager(own.conn).createOrUpdate(stream, { durable_name: "stuck" });
  await publish(own.conn, `${stream}.a`, 2);
  // Ignores its signal and never returns.
  const { ctx, signal, errors } = await holdingConsume(c, () => new Promise<void>(() => {}));
  const cleanup = async (): Promise<void> => {
    const check = await setup(`${name}-cleanup`, url);
    await (await check.conn.manager()).streams.delete(stream);
    await check.close();
  };
  return { own, stream, ctx, signal, errors, cleanup };
}

function closedUnder(stream: string): string {
  return `consume: the connection closed under consumer "stuck" of stream "${stream}"`;
}

describe("a consume whose handler never returns, at shutdown", () => {
  it("stop(), then conn.drain() past its deadline: the signal aborts, closed and drain() reject with a ConnectionError", async () => {
    const run = await hangingRun("consumer-int-shutdown-drain");
    try {
      run.ctx.stop();
      expect(run.signal.aborted).toBe(false);
      const drainError = await run.own.conn.drain({ timeoutMs: 300 }).catch((e: unknown) => e);
      expect(drainError).toBeInstanceOf(TimeoutError);
      expect((drainError as Error).message).toBe(
        "drain: in-flight work did not finish within 300 ms; the connection was closed",
      );
      const err = await run.ctx.closed.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect(err).toMatchObject({ code: "CONNECTION_CLOSED", message: closedUnder(run.stream) });
      await expect(run.ctx.drain()).rejects.toBe(err);
      expect(run.signal.aborted).toBe(true);
      expect(run.errors).toEqual([err]);
    } finally {
      await run.cleanup();
    }
  });

  it("conn.close() while the handler runs (no stop, defaults): the signal aborts and closed rejects with a ConnectionError", async () => {
    const run = await hangingRun("consumer-int-shutdown-close");
    try {
      await run.own.conn.close();
      const err = await run.ctx.closed.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect(err).toMatchObject({ code: "CONNECTION_CLOSED", message: closedUnder(run.stream) });
      expect(run.signal.aborted).toBe(true);
      await expect(run.ctx.drain()).rejects.toBe(err);
      expect(run.errors).toEqual([err]);
    } finally {
      await run.cleanup();
    }
  });
});
