import { CancelledError, type Connection, connect } from "@helix/nats-core";
import { deferred, recordOutcomes, uniqueName } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPublisher, createStreamManager } from "../src/index.js";
import { withStream } from "./helpers.js";

const url = inject("natsUrl");
let conn: Connection;

beforeAll(async () => {
  conn = await connect({ addresses: [url], name: "stream-int-cancelled" });
});
afterAll(async () => {
  await conn?.drain();
});

describe("a call cancelled before it is sent", () => {
  it("publish and publishAsync with an aborted signal: the middleware sees the operation and its CancelledError", async () => {
    await withStream(conn, "PUBABORT", async (stream, name) => {
      const seen = recordOutcomes(conn, `record-${name}`);
      try {
        const publisher = createPublisher(conn);
        const signal = AbortSignal.abort(new Error("caller gave up"));
        const sync = await publisher
          .publish(`${name}.x`, "1", { signal, msgID: "sync-1" })
          .catch((e: unknown) => e);
        const queued = await publisher
          .publishAsync(`${name}.x`, "2", { signal, msgID: "async-1" })
          .catch((e: unknown) => e);

        expect(sync).toBeInstanceOf(CancelledError);
        expect(queued).toBeInstanceOf(CancelledError);
        expect((sync as CancelledError).cause).toBe(signal.reason);
        expect(seen.map(({ op }) => op.kind)).toEqual(["publish", "publish"]);
        const [first, second] = seen;
        expect(first?.op).toMatchObject({ subject: `${name}.x`, msgID: "sync-1", async: false });
        expect(second?.op).toMatchObject({ subject: `${name}.x`, msgID: "async-1", async: true });
        // the middleware saw the very error the caller got, and nothing was sent
        expect(first?.error).toBe(sync);
        expect(second?.error).toBe(queued);
        expect(publisher.pending).toBe(0);
        expect(await publisher.complete()).toEqual({ acked: 0, failed: 0, firstError: undefined });
        expect((await stream.info()).state.messages).toBe(0);
      } finally {
        conn.middleware.remove(`record-${name}`);
      }
    });
  });

  it("publishAsync cancelled while waiting for a window slot: the middleware sees it too", async () => {
    await withStream(conn, "WINABORT", async (stream, name) => {
      const hold = deferred();
      const mw = `hold-${name}`;
      // holds the first publish's next() open, so its window slot stays taken
      conn.middleware.add(
        async (op, next) => {
          const result = await next();
          if (op.kind === "publish") await hold.promise;
          return result;
        },
        { name: mw },
      );
      const seen = recordOutcomes(conn, `record-${name}`);
      try {
        const publisher = createPublisher(conn, { maxPending: 1 });
        await publisher.publishAsync(`${name}.x`, "1");
        const controller = new AbortController();
        const waiting = publisher.publishAsync(`${name}.x`, "2", { signal: controller.signal });
        controller.abort();
        const err = await waiting.catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CancelledError);
        expect(seen).toHaveLength(2);
        expect(seen[1]?.op).toMatchObject({ kind: "publish", async: true });
        expect(seen[1]?.error).toBe(err);
        hold.resolve();
        expect(await publisher.complete()).toEqual({ acked: 1, failed: 0, firstError: undefined });
        expect(publisher.pending).toBe(0);
        expect((await stream.info()).state.messages).toBe(1);
      } finally {
        hold.resolve();
        conn.middleware.remove(`record-${name}`);
        conn.middleware.remove(mw);
      }
    });
  });

  it("every stream call with an aborted signal: the middleware sees its stream.* operation and the CancelledError", async () => {
    const streams = createStreamManager(conn);
    const name = uniqueName("STREAMABORT");
    const stream = await streams.create({ name, subjects: [`${name}.>`] });
    const seen = recordOutcomes(conn, `record-${name}`);
    const signal = AbortSignal.abort(new Error("caller gave up"));
    try {
      const calls: [string, Promise<unknown>][] = [
        ["stream.create", streams.create({ name: uniqueName("NEVER") }, { signal })],
        ["stream.update", streams.update({ name, max_msgs: 1 }, { signal })],
        ["stream.get", streams.get(name, { signal })],
        ["stream.delete", streams.delete(name, { signal })],
        ["stream.list", streams.list({ signal })],
        ["stream.info", stream.info({ signal })],
        ["stream.purge", stream.purge({ signal })],
        ["stream.getMsg", stream.getMsg(1, { signal })],
        ["stream.getLastMsgForSubject", stream.getLastMsgForSubject(`${name}.x`, { signal })],
        ["stream.deleteMsg", stream.deleteMsg(1, { signal })],
        ["stream.secureDeleteMsg", stream.secureDeleteMsg(1, { signal })],
      ];
      const errors = await Promise.all(calls.map(([, call]) => call.catch((e: unknown) => e)));
      expect(seen.map(({ op }) => op.kind)).toEqual(calls.map(([kind]) => kind));
      seen.forEach(({ op, error }, i) => {
        expect(error, op.kind).toBeInstanceOf(CancelledError);
        expect(error, op.kind).toBe(errors[i]);
        expect((error as CancelledError).message, op.kind).toBe(`${op.kind}: cancelled`);
      });
    } finally {
      conn.middleware.remove(`record-${name}`);
      await streams.delete(name);
    }
  });
});
