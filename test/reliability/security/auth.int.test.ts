import { type Config, ConnectionError, connect } from "@helix/nats-core";
import { createKeyValueManager } from "@helix/nats-kv";
import { type NatsServer, startServer } from "@helix/nats-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  newNkeyUser,
  type OperatorServer,
  PASSWORD,
  startOperatorServer,
  TOKEN,
  USER,
  usersServerConfig,
} from "./auth-servers.js";

/** Each authentication method works (JetStream included), and wrong credentials fail cleanly. */
const nkey = newNkeyUser();
let users: NatsServer;
let tokenServer: NatsServer;
let operator: OperatorServer;

beforeAll(async () => {
  [users, tokenServer, operator] = await Promise.all([
    startServer({ config: usersServerConfig(nkey) }),
    startServer({ token: TOKEN }),
    startOperatorServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([users?.stop(), tokenServer?.stop(), operator?.stop()]);
});

const addr = (s: NatsServer) => `nats://127.0.0.1:${s.port}`;

/** Connects and writes and reads a KV entry: proof that the identity can use JetStream. */
async function expectWorks(config: Config): Promise<void> {
  await using conn = await connect(config);
  expect(await conn.status()).toMatchObject({ code: 200, jetstream: true });
  const kvm = createKeyValueManager(conn);
  const bucket = `auth${Math.random().toString(36).slice(2, 10)}`;
  const kv = await kvm.create({ bucket, storage: "memory" });
  await kv.put("k", "v");
  expect((await kv.get("k"))?.string()).toBe("v");
  await kvm.delete(bucket);
}

async function expectRefused(config: Config, secrets: readonly string[]): Promise<void> {
  const err = await connect({ ...config, reconnect: { maxAttempts: 0 }, timeoutMs: 5_000 }).then(
    async (conn) => {
      await conn.close();
      return new Error("connected with wrong credentials");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectionError);
  expect(err).toMatchObject({ code: "AUTHORIZATION_FAILED", name: "ConnectionError" });
  expect((err as Error).message).toMatch(/authorization/i);
  const shown = `${String(err)} ${(err as Error).stack} ${String((err as Error).cause)}`;
  for (const secret of secrets) expect(shown).not.toContain(secret);
}

describe("authentication methods", () => {
  it("user and password inside the address URL", async () => {
    await expectWorks({
      addresses: [`nats://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${users.port}`],
    });
  });

  it("user and password in auth", async () => {
    await expectWorks({ addresses: [addr(users)], auth: { user: USER, pass: PASSWORD } });
  });

  it("token", async () => {
    await expectWorks({ addresses: [addr(tokenServer)], auth: { token: TOKEN } });
  });

  it("NKEY seed", async () => {
    await expectWorks({ addresses: [addr(users)], auth: { nkeySeed: nkey.seed } });
  });

  it("creds file (operator mode, JWTs made by the test)", async () => {
    await expectWorks({
      addresses: [addr(operator.server)],
      auth: { credsFile: operator.credsFile },
    });
  });
});

describe("wrong credentials fail with ConnectionError (AUTHORIZATION_FAILED)", () => {
  it("a wrong password, in the URL or in auth, and an unknown user", async () => {
    const wrong = "not-the-Password-9";
    await expectRefused({ addresses: [`nats://${USER}:${wrong}@127.0.0.1:${users.port}`] }, [
      wrong,
      PASSWORD,
    ]);
    await expectRefused({ addresses: [addr(users)], auth: { user: USER, pass: wrong } }, [
      wrong,
      PASSWORD,
    ]);
    await expectRefused({ addresses: [addr(users)], auth: { user: "nobody", pass: PASSWORD } }, [
      PASSWORD,
    ]);
    await expectRefused({ addresses: [addr(users)] }, []);
  });

  it("a wrong token, or none", async () => {
    const wrong = "T0k3n-wrong-Qz9";
    await expectRefused({ addresses: [addr(tokenServer)], auth: { token: wrong } }, [wrong, TOKEN]);
    await expectRefused({ addresses: [addr(tokenServer)] }, []);
  });

  it("the seed of an NKEY the server does not know", async () => {
    const stranger = newNkeyUser();
    await expectRefused({ addresses: [addr(users)], auth: { nkeySeed: stranger.seed } }, [
      stranger.seed,
      nkey.seed,
    ]);
  });

  it("creds of an account the server does not know, and no creds", async () => {
    await expectRefused(
      { addresses: [addr(operator.server)], auth: { credsFile: operator.strangerCredsFile } },
      [operator.credsSeed],
    );
    await expectRefused({ addresses: [addr(operator.server)] }, []);
  });
});
