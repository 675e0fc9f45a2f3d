import { uniqueName } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it } from "vitest";
import { kvSuite } from "./helpers.js";

const url = inject("natsUrl");

describe("KeyValue purgeDeletes", () => {
  const suite = kvSuite(url);

  it("removes delete and purge markers so keys() and history() no longer show them", async () => {
    const kv = await suite.kvm.create({ bucket: uniqueName("pd"), history: 10 });
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
    const kv = await suite.kvm.create({ bucket: uniqueName("pdyoung"), history: 10 });
    await kv.put("k", "1");
    await kv.put("k", "2");
    await kv.delete("k");
    const { purged } = await kv.purgeDeletes();
    expect(purged).toBe(2);
    expect((await kv.history("k")).map((e) => e.operation)).toEqual(["DEL"]);
    expect(await kv.keys()).toEqual([]);
  });

  it("leaves a key written again after its delete alone (the client's purgeDeletes wiped it)", async () => {
    const kv = await suite.kvm.create({ bucket: uniqueName("pdagain"), history: 10 });
    await kv.put("again", "1");
    await kv.delete("again");
    const live = await kv.put("again", "2");
    await kv.put("gone", "x");
    await kv.delete("gone");
    const { purged } = await kv.purgeDeletes({ olderThanMs: 0 });
    expect(purged).toBe(2); // PUT and DEL of "gone"
    expect((await kv.get("again"))?.revision).toBe(live);
    expect((await kv.history("again")).map((e) => e.operation)).toEqual(["PUT", "DEL", "PUT"]);
    expect(await kv.keys()).toEqual(["again"]);
  });

  it("never removes a value written after the marker while it runs", async () => {
    const kv = await suite.kvm.create({ bucket: uniqueName("pdrace"), history: 10 });
    await kv.put("k", "1");
    await kv.delete("k");
    // the key is written again once the markers are being read: its marker is still seen
    const raw = kv.raw as unknown as { watch: (opts: unknown) => Promise<unknown> };
    const original = raw.watch;
    let revived = 0;
    raw.watch = async (opts: unknown) => {
      const iter = await original.call(kv.raw, opts);
      revived = await kv.put("k", "revived");
      return iter;
    };
    try {
      const { purged } = await kv.purgeDeletes({ olderThanMs: 0 });
      expect(purged).toBe(2); // the PUT and the DEL before the new value
    } finally {
      raw.watch = original;
    }
    expect(revived).toBeGreaterThan(0);
    const entry = await kv.get("k");
    expect(entry?.string()).toBe("revived");
    expect((await kv.history("k")).map((e) => e.revision)).toEqual([revived]);
  });

  it("with nothing to remove resolves to 0, on an empty bucket too", async () => {
    const kv = await suite.kvm.create({ bucket: uniqueName("pdnone"), history: 10 });
    expect(await kv.purgeDeletes({ olderThanMs: 0 })).toEqual({ purged: 0 });
    await kv.put("k", "v");
    expect(await kv.purgeDeletes({ olderThanMs: 0 })).toEqual({ purged: 0 });
    expect((await kv.get("k"))?.string()).toBe("v");
  });
});
