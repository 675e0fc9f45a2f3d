import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "@helix/nats-testing";
import { encodeAccount, encodeOperator, encodeUser, fmtCreds } from "@nats-io/jwt";
import { createAccount, createOperator, createUser } from "@nats-io/nkeys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectionError, connect } from "../src/index.js";

/** An operator-mode server (decentralised JWT auth) with one JetStream-enabled account. */
describe("creds-file authentication (operator mode, JWTs made by the test)", () => {
  const dir = mkdtempSync(join(tmpdir(), "helix-creds-"));
  const credsFile = join(dir, "user.creds");
  const strangerCreds = join(dir, "stranger.creds");
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    const operator = createOperator();
    const system = createAccount();
    const account = createAccount();
    const user = createUser();
    const operatorJwt = await encodeOperator("helix-op", operator, {
      system_account: system.getPublicKey(),
    });
    const systemJwt = await encodeAccount("SYS", system, {}, { signer: operator });
    const accountJwt = await encodeAccount(
      "APP",
      account,
      // Unset limits are 0 in a JWT: open the connection and subscription limits too.
      {
        limits: {
          conn: -1,
          subs: -1,
          data: -1,
          payload: -1,
          mem_storage: -1,
          disk_storage: -1,
          streams: -1,
          consumer: -1,
        },
      },
      { signer: operator },
    );
    const userJwt = await encodeUser("app-user", user, account);
    writeFileSync(credsFile, fmtCreds(userJwt, user));
    const otherAccount = createAccount();
    const stranger = createUser();
    writeFileSync(
      strangerCreds,
      fmtCreds(await encodeUser("stranger", stranger, otherAccount), stranger),
    );

    const config = join(dir, "operator.conf");
    writeFileSync(
      config,
      [
        `operator: "${operatorJwt}"`,
        `system_account: "${system.getPublicKey()}"`,
        "resolver: MEMORY",
        "resolver_preload: {",
        `  "${system.getPublicKey()}": "${systemJwt}"`,
        `  "${account.getPublicKey()}": "${accountJwt}"`,
        "}",
        "",
      ].join("\n"),
    );
    server = await startServer({ args: ["-c", config] });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("connects with the creds file, JetStream included", async () => {
    await using conn = await connect({ addresses: [server.url], auth: { credsFile } });
    expect(await conn.status()).toMatchObject({ code: 200, jetstream: true });
  });

  it("refuses a user signed by an account the server does not know", async () => {
    const err = await connect({
      addresses: [server.url],
      auth: { credsFile: strangerCreds },
      reconnect: { maxAttempts: 0 },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe("AUTHORIZATION_FAILED");
  });
});
