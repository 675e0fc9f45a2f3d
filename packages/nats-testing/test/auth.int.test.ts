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
});
