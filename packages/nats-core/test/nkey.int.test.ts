import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "@helix/nats-testing";
import { nkeys } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectionError, connect } from "../src/index.js";

describe("NKEY authentication", () => {
  const user = nkeys.createUser();
  const seed = new TextDecoder().decode(user.getSeed());
  const dir = mkdtempSync(join(tmpdir(), "helix-nkey-"));
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    const config = join(dir, "nkey.conf");
    writeFileSync(config, `authorization { users = [ { nkey: "${user.getPublicKey()}" } ] }\n`);
    server = await startServer({ args: ["-c", config] });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("connects with the user's seed", async () => {
    await using conn = await connect({ addresses: [server.url], auth: { nkeySeed: seed } });
    expect((await conn.status()).code).toBe(200);
  });

  it("refuses another user's seed without showing either seed", async () => {
    const stranger = new TextDecoder().decode(nkeys.createUser().getSeed());
    const err = await connect({
      addresses: [server.url],
      auth: { nkeySeed: stranger },
      reconnect: { maxAttempts: 0 },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe("AUTHORIZATION_FAILED");
    expect(`${String(err)} ${(err as Error).stack}`).not.toContain(stranger);
  });

  it("refuses a connection without credentials", async () => {
    const err = await connect({ addresses: [server.url], reconnect: { maxAttempts: 0 } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectionError);
  });
});
