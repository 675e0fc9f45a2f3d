import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@helix/nats-core";
import { startServer } from "@helix/nats-testing";
import { uniqueName } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyValueManager } from "../src/index.js";

describe("key-value through a JetStream domain", () => {
  const dir = mkdtempSync(join(tmpdir(), "helix-kv-domain-"));
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    const config = join(dir, "domain.conf");
    writeFileSync(config, "jetstream { domain: hub }\n");
    server = await startServer({ args: ["-c", config] });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates, writes, reads, watches and lists through the connection's domain", async () => {
    await using conn = await connect({ addresses: [server.url], jetstream: { domain: "hub" } });
    const options = { ...conn.jetstreamOptions };
    const kvm = createKeyValueManager(conn);
    const bucket = uniqueName("dom");
    const kv = await kvm.create({ bucket, history: 2 });
    const watcher = await kv.watchAll();
    const rev = await kv.put("k", "v");
    expect((await kv.get("k"))?.revision).toBe(rev);
    const first = await watcher[Symbol.asyncIterator]().next();
    expect(first.value).toMatchObject({ key: "k", revision: rev, isUpdate: true });
    watcher.stop();
    // every write goes through the domain's API prefix, as the client's own writes do
    expect(await kv.update("k", "w", rev)).toBe(rev + 1);
    expect(await kv.create("c", "x")).toBe(rev + 2);
    await kv.delete("k", { revision: rev + 1 });
    await kv.purge("c");
    // (history 2: the first value of "k" made way)
    expect((await kv.history(">")).map((e) => [e.key, e.revision, e.operation])).toEqual([
      ["k", rev + 1, "PUT"],
      ["k", rev + 3, "DEL"],
      ["c", rev + 4, "PURGE"],
    ]);
    expect((await kvm.list()).map((s) => s.bucket)).toContain(bucket);
    expect((await kvm.get(bucket)).bucket).toBe(bucket);
    // the connection's options were copied, never changed
    expect(conn.jetstreamOptions).toEqual(options);
  });

  it("fails when the domain does not exist (proof the domain is used)", async () => {
    await using conn = await connect({
      addresses: [server.url],
      jetstream: { domain: "elsewhere", timeoutMs: 1000 },
    });
    const err = await createKeyValueManager(conn)
      .create({ bucket: uniqueName("nodom") })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "JETSTREAM_UNAVAILABLE" });
  });
});
