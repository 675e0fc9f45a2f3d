import type { Connection } from "@helix/nats-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createKeyValueManager, type KeyValueManager } from "../src/index.js";
import { connectRecording, uniqueBucket } from "./helpers.js";

const url = inject("natsUrl");

describe("KeyValue purgeDeletes", () => {
  let conn: Connection;
  let kvm: KeyValueManager;

  beforeAll(async () => {
    ({ conn } = await connectRecording(url));
    kvm = createKeyValueManager(conn);
  });
  afterAll(async () => {
    await conn?.drain();
  });

  it("removes delete and purge markers so keys() and history() no longer show them", async () => {
    const kv = await kvm.create({ bucket: uniqueBucket("pd"), history: 10 });
    await kv.put("gone", "1");
    await kv.put("gone", "2");
    await kv.delete("gone");
    await kv.put("purged", "x");
    await kv.purge("purged");
    await kv.put("kept", "stays");
    expect((await kv.history("gone")).map((e) => e.operation)).toEqual(["PUT", "PUT", "DEL"]);
    expect((await kv.history("purged")).map((e) => e.operation)).toEqual(["PURGE"]);
    expect((await kv.raw.get("gone"))?.operation).toBe("DEL");

    const { purged } = await kv.purgeDeletes({ olderThanMs: 0 });
    expect(purged).toBe(4); // PUT, PUT, DEL of "gone" and the PURGE marker of "purged"

    expect(await kv.keys()).toEqual(["kept"]);
    expect(await kv.history("gone")).toEqual([]);
    expect(await kv.history("purged")).toEqual([]);
    expect(await kv.raw.get("gone")).toBeNull();
    expect((await kv.history(">")).map((e) => [e.key, e.operation])).toEqual([["kept", "PUT"]]);
    expect((await kv.get("kept"))?.string()).toBe("stays");
    expect((await kv.status()).values).toBe(1);
  });

  it("by default keeps markers younger than 30 minutes (dropping the history behind them)", async () => {
    const kv = await kvm.create({ bucket: uniqueBucket("pdyoung"), history: 10 });
    await kv.put("k", "1");
    await kv.put("k", "2");
    await kv.delete("k");
    const { purged } = await kv.purgeDeletes();
    expect(purged).toBe(2);
    expect((await kv.history("k")).map((e) => e.operation)).toEqual(["DEL"]);
    expect(await kv.keys()).toEqual([]);
  });
});
