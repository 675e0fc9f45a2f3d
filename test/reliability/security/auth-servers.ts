import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NatsServer, startServer } from "@helix/nats-testing";
import { encodeAccount, encodeOperator, encodeUser, fmtCreds } from "@nats-io/jwt";
import { createAccount, createOperator, createUser } from "@nats-io/nkeys";

/** A password with characters that need URL encoding, to exercise address parsing. */
export const PASSWORD = "p@ss:w/rd ü%25-Sx7";
export const USER = "app";
export const TOKEN = "T0k3n-s3cr3t-Qz9";

/** Subjects the users of `usersServerConfig` may not publish to. */
export const DENIED = "denied.>";

/** An NKEY user: the public key goes into the server's config, the seed into the client's. */
export interface NkeyUser {
  publicKey: string;
  seed: string;
}

export function newNkeyUser(): NkeyUser {
  const kp = createUser();
  return { publicKey: kp.getPublicKey(), seed: new TextDecoder().decode(kp.getSeed()) };
}

/**
 * A configuration with a password user and an NKEY user, both denied publishing to `DENIED`
 * (everything else, JetStream's API included, allowed).
 */
export function usersServerConfig(nkey: NkeyUser): string {
  const permissions = `permissions: { publish: { deny: [${JSON.stringify(DENIED)}] } }`;
  return [
    "authorization {",
    "  users = [",
    `    { user: ${JSON.stringify(USER)}, password: ${JSON.stringify(PASSWORD)}, ${permissions} }`,
    `    { nkey: ${JSON.stringify(nkey.publicKey)}, ${permissions} }`,
    "  ]",
    "}",
  ].join("\n");
}

/** An operator-mode server (JWT auth) with one JetStream account, and creds files for it. */
export interface OperatorServer {
  server: NatsServer;
  /** A user of the server's account. */
  credsFile: string;
  /** The seed inside `credsFile` (a secret). */
  credsSeed: string;
  /** A user signed by an account the server does not know. */
  strangerCredsFile: string;
  stop(): Promise<void>;
}

export async function startOperatorServer(): Promise<OperatorServer> {
  const dir = mkdtempSync(join(tmpdir(), "helix-creds-"));
  const operator = createOperator();
  const system = createAccount();
  const account = createAccount();
  const user = createUser();
  const operatorJwt = await encodeOperator("helix-op", operator, {
    system_account: system.getPublicKey(),
  });
  const systemJwt = await encodeAccount("SYS", system, {}, { signer: operator });
  // Unset limits are 0 in a JWT: open connections, subscriptions, data and JetStream.
  const limits = {
    conn: -1,
    subs: -1,
    data: -1,
    payload: -1,
    mem_storage: -1,
    disk_storage: -1,
    streams: -1,
    consumer: -1,
  };
  const accountJwt = await encodeAccount("APP", account, { limits }, { signer: operator });
  const credsFile = join(dir, "user.creds");
  writeFileSync(credsFile, fmtCreds(await encodeUser("app-user", user, account), user));
  const stranger = createUser();
  const strangerCredsFile = join(dir, "stranger.creds");
  writeFileSync(
    strangerCredsFile,
    fmtCreds(await encodeUser("stranger", stranger, createAccount()), stranger),
  );
  const server = await startServer({
    config: [
      `operator: "${operatorJwt}"`,
      `system_account: "${system.getPublicKey()}"`,
      "resolver: MEMORY",
      "resolver_preload: {",
      `  "${system.getPublicKey()}": "${systemJwt}"`,
      `  "${account.getPublicKey()}": "${accountJwt}"`,
      "}",
    ].join("\n"),
  });
  return {
    server,
    credsFile,
    credsSeed: new TextDecoder().decode(user.getSeed()),
    strangerCredsFile,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
