import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "@helix/nats-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../src/index.js";

describe("JetStream domain and API prefix", () => {
  const dir = mkdtempSync(join(tmpdir(), "helix-domain-"));
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

  it("reaches JetStream through the configured domain", async () => {
    await using conn = await connect({ addresses: [server.url], jetstream: { domain: "hub" } });
    expect(await conn.status()).toMatchObject({ code: 200, jetstream: true });
    const jsm = await conn.manager();
    const stream = `DOMAIN_${Date.now()}`;
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
    const ack = await conn.jetstream.publish(`${stream}.x`, "hello");
    expect(ack).toMatchObject({ stream, seq: 1, domain: "hub" });
  });

  it("reaches JetStream through an explicit API prefix", async () => {
    await using conn = await connect({
      addresses: [server.url],
      jetstream: { apiPrefix: "$JS.hub.API" },
    });
    expect((await conn.status()).code).toBe(200);
    const info = await (await conn.manager()).getAccountInfo();
    expect(info.domain).toBe("hub");
  });

  it("reports 503 with a reason when the domain does not exist", async () => {
    await using conn = await connect({
      addresses: [server.url],
      jetstream: { domain: "elsewhere" },
    });
    const status = await conn.status();
    expect(status).toMatchObject({ code: 503, connection: "connected", jetstream: false });
    expect(status.reason).toMatch(/no responders/);
  });
});
