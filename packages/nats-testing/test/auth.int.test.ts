import { existsSync } from "node:fs";
import { nkeyAuthenticator, nkeys } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { startServer } from "../src/index.js";
import { connectOnce, withConnection } from "./helpers.js";

describe("auth options", () => {
  it("user/pass: the server refuses anonymous and wrong clients, accepts the right one", async () => {
    await using server = await startServer({ user: "alice", pass: "p@ss:word", jetstream: false });
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(server.urlWithCredentials).toBe(`nats://alice:p%40ss%3Aword@127.0.0.1:${server.port}`);

    await expect(connectOnce({ servers: server.url })).rejects.toThrow(/authorization/i);
    await expect(connectOnce({ servers: server.url, user: "alice", pass: "nope" })).rejects.toThrow(
      /authorization/i,
    );
    const rtt = await withConnection(
      { servers: server.url, user: "alice", pass: "p@ss:word" },
      (nc) => nc.rtt(),
    );
    expect(rtt).toBeGreaterThanOrEqual(0);
  });

  it("token: the server refuses clients without the token", async () => {
    await using server = await startServer({ token: "s3cr3t-token" });
    expect(server.urlWithCredentials).toBeUndefined();
    await expect(connectOnce({ servers: server.url })).rejects.toThrow(/authorization/i);
    await expect(connectOnce({ servers: server.url, token: "wrong" })).rejects.toThrow(
      /authorization/i,
    );
    await withConnection({ servers: server.url, token: "s3cr3t-token" }, async (nc) => {
      const reply = await nc.request("$JS.API.INFO", undefined, { timeout: 2_000 });
      expect(reply.json<{ type: string }>().type).toContain("account_info_response");
    });
  });

  it("rejects contradictory auth options before spawning anything", async () => {
    await expect(startServer({ user: "alice" })).rejects.toThrow(TypeError);
    await expect(startServer({ user: "a", pass: "b", token: "c" })).rejects.toThrow(/token/);
  });

  it("config: users with permissions and NKEY users from a configuration file", async () => {
    const nkeyUser = nkeys.createUser();
    await using server = await startServer({
      config: [
        "max_payload: 2048",
        "authorization {",
        "  users = [",
        '    { user: "bob", password: "pw", permissions: { publish: { deny: ["secret.>"] } } }',
        `    { nkey: "${nkeyUser.getPublicKey()}" }`,
        "  ]",
        "}",
      ].join("\n"),
    });
    await expect(connectOnce({ servers: server.url })).rejects.toThrow(/authorization/i);
    await withConnection({ servers: server.url, user: "bob", pass: "pw" }, async (nc) => {
      expect(nc.info?.max_payload).toBe(2048);
      // The server answers a denied publish with a permissions violation, the connection stays.
      const errors: string[] = [];
      (async () => {
        for await (const s of nc.status()) if (s.type === "error") errors.push(s.error.message);
      })();
      nc.publish("secret.x", "no");
      await nc.flush();
      await expect.poll(() => errors.join()).toMatch(/Permissions Violation for Publish/);
      expect(nc.isClosed()).toBe(false);
    });
    const rtt = await withConnection(
      { servers: server.url, authenticator: nkeyAuthenticator(nkeyUser.getSeed()) },
      (nc) => nc.rtt(),
    );
    expect(rtt).toBeGreaterThanOrEqual(0);
    const configFile = `${server.storeDir}/../server.conf`;
    expect(existsSync(configFile)).toBe(true);
    await server.stop();
    expect(existsSync(configFile)).toBe(false);
  });
});
