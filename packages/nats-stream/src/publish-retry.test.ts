import { describe, expect, it, vi } from "vitest";
import {
  context,
  fakeConnection,
  noResponders,
  operation,
  settle,
  statusSource,
  timeout,
} from "../test/unit-fakes.js";
import { SendBatch } from "./publish-batch.js";
import { ReconnectWatch } from "./publish-reconnect.js";
import { type SendContext, sendWithRetries } from "./publish-send.js";

describe("sendWithRetries: the retry budget", () => {
  const run = async (retry: Partial<SendContext["retry"]>, outcomes: (() => unknown)[]) => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    vi.spyOn(Math, "random").mockReturnValue(1);
    try {
      const { conn, calls } = fakeConnection(outcomes);
      const reasons: string[] = [];
      const sending = sendWithRetries(
        operation(),
        context(conn, {
          retry: {
            attempts: Infinity,
            budgetMs: Infinity,
            initialDelayMs: 300,
            maxDelayMs: 300,
            onRetry: (_e, _n, reason) => reasons.push(reason),
            ...retry,
          },
        }),
      ).catch((e: unknown) => e);
      await vi.runAllTimersAsync();
      return { result: await sending, calls: calls.length, reasons };
    } finally {
      vi.restoreAllMocks();
      vi.useRealTimers();
    }
  };
  const always = (make: () => unknown) => Array.from({ length: 50 }, () => make);

  it("retries until a retry would start past budgetMs after the first send, then fails with the last error", async () => {
    // tries at 0, 300, 600 and 900 ms; the next would start at 1200 > 1000
    const { result, calls, reasons } = await run({ budgetMs: 1000 }, always(timeout));
    expect(result).toMatchObject({ code: "TIMEOUT" });
    expect(calls).toBe(4);
    expect(reasons).toEqual(["timeout", "timeout", "timeout"]);
  });

  it("names why each retry happens: a timeout, or JetStream unavailable", async () => {
    const { result, reasons } = await run({ budgetMs: 1000 }, [timeout, noResponders]);
    expect(result).toEqual({ stream: "S", seq: 3, duplicate: false });
    expect(reasons).toEqual(["timeout", "unavailable"]);
  });

  it("with attempts alone, counts tries however long they take", async () => {
    const { calls } = await run({ attempts: 3, initialDelayMs: 60_000, maxDelayMs: 60_000 }, [
      ...always(timeout),
    ]);
    expect(calls).toBe(3);
  });

  it("with both, stops at whichever bound comes first", async () => {
    expect((await run({ attempts: 2, budgetMs: 1000 }, always(timeout))).calls).toBe(2);
    expect((await run({ attempts: 10, budgetMs: 1000 }, always(timeout))).calls).toBe(4);
  });
});

describe("sendWithRetries: the connection", () => {
  it("refuses a closed connection before queueing: nothing is sent, onQueued is not called", async () => {
    const { conn, calls, state } = fakeConnection([]);
    state.closed = true;
    let queued = 0;
    for (const [async, name] of [
      [false, "publish"],
      [true, "publishAsync"],
    ] as const) {
      const err = await sendWithRetries(
        { ...operation(), async },
        context(conn, { batch: new SendBatch(), onQueued: () => queued++ }),
      ).catch((e: unknown) => e);
      expect(err).toMatchObject({
        name: "ConnectionError",
        code: "CONNECTION_CLOSED",
        message: `${name}: the connection is closed`,
      });
    }
    expect(queued).toBe(0);
    expect(calls).toEqual([]);
  });
});

describe("sendWithRetries: reconnects", () => {
  /** A client whose first publish never answers (lost with the old connection). */
  function lostFirst() {
    const { conn, calls } = fakeConnection([]);
    const publish = conn.jetstream.publish.bind(conn.jetstream);
    let first = true;
    (conn.jetstream as { publish: unknown }).publish = (...args: Parameters<typeof publish>) => {
      if (!first) return publish(...args);
      first = false;
      calls.push({ subject: args[0], msgID: "lost" });
      return new Promise(() => {});
    };
    return { conn, calls };
  }

  it("re-sends a try awaiting its ack at once when the client reconnects, with the same msg ID", async () => {
    const { conn, calls } = lostFirst();
    const { nats, reconnect } = statusSource();
    const reconnects = new ReconnectWatch(nats);
    reconnects.start();
    const retried: [string, number, string][] = [];
    const op = operation();
    const sending = sendWithRetries(
      op,
      context(conn, {
        reconnects,
        retry: {
          attempts: Infinity,
          budgetMs: 15_000,
          initialDelayMs: 250,
          maxDelayMs: 2000,
          onRetry: (e, n, reason) => retried.push([e.code, n, reason]),
        },
      }),
    );
    await reconnect();
    expect(await sending).toEqual({ stream: "S", seq: 2, duplicate: false });
    expect(calls.map((c) => c.msgID)).toEqual(["lost", "id-1"]);
    expect(retried).toEqual([["CONNECTION_FAILED", 1, "reconnect"]]);
    expect(op.attempt).toBe(2);
    reconnects.stop();
    expect(nats.listening).toBe(0);
  });

  it("never re-sends a message without a msg ID (it could be stored twice), nor past the budget", async () => {
    const { nats, reconnect } = statusSource();
    const reconnects = new ReconnectWatch(nats);
    reconnects.start();
    for (const [msgID, attempts] of [
      [undefined, 4],
      ["id-1", 1],
    ] as const) {
      const { conn, calls } = lostFirst();
      void sendWithRetries(
        { ...operation(), msgID },
        context(conn, {
          reconnects,
          retry: {
            attempts,
            budgetMs: Infinity,
            initialDelayMs: 0,
            maxDelayMs: 0,
            onRetry: undefined,
          },
        }),
      );
      await reconnect();
      expect(calls).toHaveLength(1);
    }
    reconnects.stop();
  });

  it("ends a retry's backoff when the client reconnects", async () => {
    const { conn, calls } = fakeConnection([timeout]);
    const { nats, reconnect } = statusSource();
    const reconnects = new ReconnectWatch(nats);
    reconnects.start();
    const sending = sendWithRetries(
      operation(),
      context(conn, {
        reconnects,
        retry: {
          attempts: Infinity,
          budgetMs: Infinity,
          initialDelayMs: 600_000,
          maxDelayMs: 600_000,
          onRetry: undefined,
        },
      }),
    );
    await settle(() => calls.length === 1);
    await reconnect();
    expect(await sending).toEqual({ stream: "S", seq: 2, duplicate: false });
    reconnects.stop();
  });
});
