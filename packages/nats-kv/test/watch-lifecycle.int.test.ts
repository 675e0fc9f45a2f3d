import { uniqueName, until } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it, vi } from "vitest";
import { createKeyValueManager, type KeyValue, type KeyValueWatchEntry } from "../src/index.js";
import { WATCH_IDLE_CHECK_MS } from "../src/watcher.js";
import { connectRecording, kvSuite } from "./helpers.js";

const url = inject("natsUrl");

describe("KeyValue watch: how a watch ends", () => {
  const suite = kvSuite(url);

  async function bucket(history = 10): Promise<KeyValue> {
    return suite.kvm.create({ bucket: uniqueName("watch"), history });
  }

  it("stop ends the iteration; breaking out of for-await stops the watch", async () => {
    const kv = await bucket();
    const watcher = await kv.watchAll();
    setTimeout(() => watcher.stop(), 50);
    const seen: KeyValueWatchEntry[] = [];
    for await (const e of watcher) seen.push(e);
    expect(seen).toEqual([]);
    await watcher.closed;

    await kv.put("x", "1");
    const second = await kv.watchAll();
    for await (const e of second) {
      expect(e.key).toBe("x");
      break;
    }
    await second.closed;
  });

  it("await using stops the watch at the end of the block", async () => {
    const kv = await bucket();
    let closed: Promise<void> | undefined;
    {
      await using watcher = await kv.watchAll();
      closed = watcher.closed;
    }
    await expect(closed).resolves.toBeUndefined();
  });

  it("a watch cancelled while it starts is stopped, not leaked", async () => {
    const kv = await bucket();
    const stream = `KV_${kv.bucket}`;
    const controller = new AbortController();
    // abort once the client's consumer-create request is on the wire: the watch gets created
    const sub = suite.conn.nats.subscribe(`$JS.API.CONSUMER.CREATE.${stream}.>`, {
      max: 1,
      callback: () => controller.abort(),
    });
    await suite.conn.nats.flush();
    await expect(kv.watchAll({ signal: controller.signal })).rejects.toMatchObject({
      code: "CANCELLED",
    });
    expect(sub.getReceived()).toBe(1);
    const jsm = await suite.conn.manager();
    const unbound = async () => {
      const list = await jsm.consumers.list(stream).next();
      return list.length === 1 && list[0]?.push_bound !== true;
    };
    // the watcher is stopped once it exists: its consumer loses its subscriber (the server
    // removes it after the client's 5-minute inactivity threshold)
    await expect(
      until(unbound, 10_000, "the cancelled watch's consumer unbound"),
    ).resolves.toBeUndefined();
  });

  it("aborting the signal of a running watch stops it, as cancelling Go's ctx does", async () => {
    const kv = await bucket();
    await kv.put("a", "1");
    const controller = new AbortController();
    const watcher = await kv.watchAll({ signal: controller.signal });
    const seen: string[] = [];
    for await (const entry of watcher) {
      seen.push(`${entry.key}=${entry.string()}`);
      if (seen.length === 1) controller.abort();
    }
    expect(seen).toEqual(["a=1"]);
    await expect(watcher.closed).resolves.toBeUndefined();
  });

  it("a watch whose bucket is deleted ends with NotFoundError instead of waiting for ever", async () => {
    // only the watcher's idle check runs on fake time; the client keeps its real timers
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const kv = await bucket();
      const stream = `KV_${kv.bucket}`;
      const infos = suite.conn.nats.subscribe(`$JS.API.CONSUMER.INFO.${stream}.>`);
      await suite.conn.nats.flush();
      await kv.put("a", "1");
      const watcher = await kv.watchAll();
      const iterator = watcher[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toMatchObject({ key: "a" });

      // an entry arrived since the start: no request; idle: one request, the bucket is there
      vi.advanceTimersByTime(WATCH_IDLE_CHECK_MS);
      expect(infos.getReceived()).toBe(0);
      vi.advanceTimersByTime(WATCH_IDLE_CHECK_MS);
      await vi.waitFor(() => expect(infos.getReceived()).toBe(1));
      await kv.status(); // a later JetStream round trip: the check's answer is in
      await kv.put("b", "2");
      expect((await iterator.next()).value).toMatchObject({ key: "b", isUpdate: true });

      const ended = iterator.next();
      await suite.kvm.delete(kv.bucket);
      vi.advanceTimersByTime(WATCH_IDLE_CHECK_MS); // "b" arrived since the last check
      vi.advanceTimersByTime(WATCH_IDLE_CHECK_MS);
      await expect(ended).rejects.toMatchObject({
        code: "NOT_FOUND",
        what: "bucket",
        resource: kv.bucket,
      });
      await watcher.closed;
      expect(await iterator.next()).toEqual({ value: undefined, done: true });
      infos.unsubscribe();
    } finally {
      vi.useRealTimers();
    }
  });

  it("draining the connection ends running watchers", async () => {
    const { conn: own } = await connectRecording(url);
    const kv = await createKeyValueManager(own).create({ bucket: uniqueName("drain") });
    const watcher = await kv.watchAll();
    const iteration = (async () => {
      for await (const _ of watcher) {
        // nothing is written
      }
      return "ended";
    })();
    await own.drain();
    await expect(iteration).resolves.toBe("ended");
    await watcher.closed;
  });
});
