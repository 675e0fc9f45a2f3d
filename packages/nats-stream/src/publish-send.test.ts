import { describe, expect, it } from "vitest";
import {
  context,
  fakeConnection,
  noResponders,
  operation,
  timeout,
  wrongSeq,
} from "../test/unit-fakes.js";
import { SendBatch } from "./publish-batch.js";
import { sendWithRetries } from "./publish-send.js";

/** Two no-responders failures, with the stream lookup answering `exists`. */
async function afterNoResponders(exists: boolean | undefined) {
  const { conn, calls } = fakeConnection([noResponders, noResponders]);
  const sending = sendWithRetries(operation(), context(conn, { streamExists: async () => exists }));
  const [ack, err] = await sending.then(
    (value) => [value, undefined] as const,
    (e: unknown) => [undefined, e] as const,
  );
  return { ack, err, calls };
}

describe("sendWithRetries", () => {
  it("retries timeouts and no-responders with the same msg ID, then returns the ack", async () => {
    const { conn, calls } = fakeConnection([timeout, noResponders]);
    const op = operation();
    const retried: number[] = [];
    const ack = await sendWithRetries(
      op,
      context(conn, {
        retry: {
          attempts: 4,
          budgetMs: Infinity,
          initialDelayMs: 0,
          maxDelayMs: 0,
          onRetry: (_e, n) => retried.push(n),
        },
      }),
    );
    expect(ack).toEqual({ stream: "S", seq: 3, duplicate: false });
    expect(op.attempt).toBe(3);
    expect(op.ack).toEqual(ack);
    expect(retried).toEqual([1, 2]);
    expect(calls.map((c) => c.msgID)).toEqual(["id-1", "id-1", "id-1"]);
  });

  it("keeps retrying when onRetry throws", async () => {
    const { conn, calls } = fakeConnection([timeout]);
    const ack = await sendWithRetries(
      operation(),
      context(conn, {
        retry: {
          attempts: 3,
          budgetMs: Infinity,
          initialDelayMs: 0,
          maxDelayMs: 0,
          onRetry: () => {
            throw new Error("observer bug");
          },
        },
      }),
    );
    expect(ack.seq).toBe(2);
    expect(calls).toHaveLength(2);
  });

  it("does not retry a wrong expected sequence", async () => {
    const { conn, calls } = fakeConnection([wrongSeq]);
    const op = operation();
    await expect(sendWithRetries(op, context(conn))).rejects.toMatchObject({
      name: "WrongRevisionError",
      apiCode: 10071,
    });
    expect(calls).toHaveLength(1);
  });

  it("gives up after the last attempt with the last error", async () => {
    const { conn, calls } = fakeConnection([timeout, timeout, timeout, timeout, timeout]);
    await expect(sendWithRetries(operation(), context(conn))).rejects.toMatchObject({
      code: "TIMEOUT",
    });
    expect(calls).toHaveLength(4);
  });

  it("turns no-responders on a subject no stream listens to into NotFoundError at once", async () => {
    const { err, calls } = await afterNoResponders(false);
    expect(err).toMatchObject({
      name: "NotFoundError",
      what: "stream",
      resource: undefined,
      message: 'publish: no stream listens on subject "a.b"',
    });
    expect(calls).toHaveLength(1);
  });

  it("keeps retrying no-responders when the lookup cannot answer (e.g. during an election)", async () => {
    const { ack, calls } = await afterNoResponders(undefined);
    expect(ack?.seq).toBe(3);
    expect(calls).toHaveLength(3);
  });

  it("reports the first attempt queued once, and stops retrying when the signal aborts", async () => {
    const { conn, calls } = fakeConnection([timeout, timeout, timeout]);
    const controller = new AbortController();
    let sent = 0;
    const err = await sendWithRetries(
      operation(),
      context(conn, {
        signal: controller.signal,
        onQueued: () => sent++,
        retry: {
          attempts: 10,
          budgetMs: Infinity,
          initialDelayMs: 10_000,
          maxDelayMs: 10_000,
          onRetry: () => controller.abort(),
        },
      }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "CANCELLED" });
    expect(calls).toHaveLength(1);
    expect(sent).toBe(1);
  });
});

describe("sendWithRetries with a batch", () => {
  it("sends an async first attempt at the batch's turn, a sync one only after a pending turn", async () => {
    const { conn, calls } = fakeConnection([]);
    const batch = new SendBatch();
    let queued = 0;
    const asyncOp = { ...operation(), subject: "async.1", async: true };
    const first = sendWithRetries(asyncOp, context(conn, { batch, onQueued: () => queued++ }));
    // queued at once, not yet handed to the client
    expect(queued).toBe(1);
    expect(calls).toHaveLength(0);
    // a sync publish issued meanwhile does not overtake it
    const sync = sendWithRetries({ ...operation(), subject: "sync.2" }, context(conn, { batch }));
    await Promise.all([first, sync]);
    expect(calls.map((c) => c.subject)).toEqual(["async.1", "sync.2"]);
    // with no turn pending a sync publish goes straight to the client
    const direct = sendWithRetries({ ...operation(), subject: "sync.3" }, context(conn, { batch }));
    expect(calls).toHaveLength(3);
    await direct;
  });

  it("does not send a message whose signal aborted while it was queued", async () => {
    const { conn, calls } = fakeConnection([]);
    const controller = new AbortController();
    const op = { ...operation(), async: true };
    let queued = 0;
    const sending = sendWithRetries(
      op,
      context(conn, {
        batch: new SendBatch(),
        signal: controller.signal,
        onQueued: () => queued++,
      }),
    );
    controller.abort();
    await expect(sending).rejects.toMatchObject({ code: "CANCELLED" });
    expect(queued).toBe(1);
    expect(calls).toHaveLength(0);
  });

  it("retries without waiting for a turn", async () => {
    const { conn, calls } = fakeConnection([timeout]);
    const batch = new SendBatch();
    const ack = await sendWithRetries({ ...operation(), async: true }, context(conn, { batch }));
    expect(ack.seq).toBe(2);
    expect(calls).toHaveLength(2);
    expect(batch.pending).toBeUndefined();
  });
});
