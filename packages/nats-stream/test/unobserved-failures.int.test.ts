import { type ConnectionEvent, type HelixError, WrongRevisionError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { createPublisher, type FailedPublish } from "../src/index.js";
import { connectForFile, withStream } from "./helpers.js";

const events: ConnectionEvent[] = [];
const connection = connectForFile("stream-int-unobserved", {
  onEvent: (event) => events.push(event),
});

/** The `error` events the connection emitted since `from`. */
const reported = (from: number) =>
  events.slice(from).flatMap((event) => (event.type === "error" ? [event.error] : []));

const bytes = (text: string) => new TextEncoder().encode(text);

describe("a publishAsync failure nobody reads", () => {
  it("is reported as a connection error event by default; a future whose ack was read is not", async () => {
    const conn = connection();
    await withStream(conn, "UNREAD", async (_stream, name) => {
      const from = events.length;
      const publisher = createPublisher(conn);
      await publisher.publish(`${name}.x`, "1");
      // refused by the server; nobody ever reads this future's ack
      const ignored = await publisher.publishAsync(`${name}.x`, "2", {
        msgID: "ignored",
        expect: { lastSequence: 99 },
      });
      // refused too, but its ack is read before it settles: the caller sees the failure
      const watched = await publisher.publishAsync(`${name}.x`, "3", {
        msgID: "watched",
        expect: { lastSequence: 98 },
      });
      const watchedFailure = watched.ack.catch((e: unknown) => e);

      const completion = await publisher.complete();
      expect(completion.acked).toBe(0);
      expect(completion.failed).toBe(2);
      expect(completion.firstError).toBeInstanceOf(WrongRevisionError);
      const errors = reported(from);
      expect(errors).toHaveLength(1);
      // the very error the ignored future's ack rejects with
      expect(errors[0]).toBe(completion.firstError);
      await expect(ignored.ack).rejects.toBe(errors[0]);
      const seen = await watchedFailure;
      expect(seen).toBeInstanceOf(WrongRevisionError);
      expect(seen).not.toBe(errors[0]);

      // a message whose own signal cancelled it is the caller's doing: not reported
      const controller = new AbortController();
      await publisher.publishAsync(`${name}.x`, "4", { signal: controller.signal });
      controller.abort();
      expect(await publisher.complete()).toMatchObject({ acked: 0, failed: 1 });
      expect(reported(from)).toEqual(errors);
    });
  });

  it("goes to the publisher's onError with the message instead, when it is set", async () => {
    const conn = connection();
    await withStream(conn, "ONERROR", async (_stream, name) => {
      const from = events.length;
      const failures: [HelixError, FailedPublish][] = [];
      const publisher = createPublisher(conn, {
        onError: (error, message) => failures.push([error, message]),
      });
      const ignored = await publisher.publishAsync(
        `${name}.x`,
        { id: 1 },
        {
          msgID: "m-1",
          expect: { lastSequence: 5 },
        },
      );
      expect(await publisher.complete()).toMatchObject({ acked: 0, failed: 1 });
      expect(failures).toHaveLength(1);
      const [error, message] = failures[0] ?? [];
      expect(error).toBeInstanceOf(WrongRevisionError);
      expect(message?.subject).toBe(`${name}.x`);
      expect(message?.msgID).toBe("m-1");
      expect(message?.payload).toEqual(bytes('{"id":1}'));
      expect(message?.headers.get("Nats-Msg-Id")).toBe("m-1");
      expect(message?.headers.get("Nats-Expected-Last-Sequence")).toBe("5");
      await expect(ignored.ack).rejects.toBe(error);
      expect(reported(from)).toEqual([]);
    });
  });

  it("is still reported when onError throws: the connection gets the publish's error", async () => {
    const conn = connection();
    await withStream(conn, "THROWS", async (_stream, name) => {
      const from = events.length;
      const publisher = createPublisher(conn, {
        onError: () => {
          throw new Error("observer bug");
        },
      });
      await publisher.publishAsync(`${name}.x`, "x", { expect: { lastSequence: 7 } });
      const completion = await publisher.complete();
      expect(completion.failed).toBe(1);
      expect(reported(from)).toEqual([completion.firstError]);
    });
  });
});
