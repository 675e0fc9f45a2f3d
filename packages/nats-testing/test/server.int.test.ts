import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  CURRENT_SERVER_VERSION,
  FLOOR_SERVER_VERSION,
  isNatsTestingError,
  startServer,
} from "../src/index.js";
import { connectOnce, fillStream, isAlive, streamMessages, withConnection } from "./helpers.js";

describe("startServer", () => {
  it("starts a JetStream server on loopback and stops it, removing its temp dir", async () => {
    const server = await startServer();
    expect(server.mode).toBe("process");
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(server.host).toBe("127.0.0.1");
    // the version this project of the matrix runs (HELIX_NATS_SERVER_VERSION), as INFO reports it
    const version = process.env.HELIX_NATS_SERVER_VERSION;
    if (version) expect(server.version).toBe(version);
    else expect(server.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(server.urlWithCredentials).toBeUndefined();
    const storeDir = server.storeDir!;
    const pid = server.pid!;
    await withConnection({ servers: server.url }, async (nc) => {
      expect(nc.info?.jetstream).toBe(true);
      const reply = await nc.request("$JS.API.INFO", undefined, { timeout: 2_000 });
      expect(reply.json<{ type: string }>().type).toBe(
        "io.nats.jetstream.api.v1.account_info_response",
      );
    });
    expect(existsSync(storeDir)).toBe(true);

    await server.stop();
    await server.stop(); // idempotent
    expect(isAlive(pid)).toBe(false);
    expect(server.pid).toBeUndefined();
    expect(existsSync(dirname(storeDir))).toBe(false);
    await expect(connectOnce({ servers: server.url })).rejects.toThrow();
    await expect(server.restart()).rejects.toMatchObject({ code: "NOT_SUPPORTED" });
  });

  it("runs the version asked for, and says so in a NatsTestingError when it cannot be had", async () => {
    await using floor = await startServer({ version: `v${FLOOR_SERVER_VERSION}` });
    expect(floor.version).toBe(FLOOR_SERVER_VERSION);
    await using current = await startServer({ version: CURRENT_SERVER_VERSION });
    expect(current.version).toBe(CURRENT_SERVER_VERSION);
    await withConnection({ servers: current.url }, async (nc) => {
      expect(nc.info?.version).toBe(CURRENT_SERVER_VERSION);
    });
    await expect(startServer({ version: "latest" })).rejects.toThrow(
      'nats-testing: "latest" is not a nats-server version',
    );
  });

  it("restart keeps the port and the stream data", async () => {
    await using server = await startServer();
    const port = server.port;
    const firstPid = server.pid;
    await withConnection({ servers: server.url }, (nc) => fillStream(nc, "KEEP", "keep.>", 10));

    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(firstPid);
    expect(await withConnection({ servers: server.url }, (nc) => streamMessages(nc, "KEEP"))).toBe(
      10,
    );
  });

  it("kill(SIGKILL) ends the process; restart brings it back with its data", async () => {
    await using server = await startServer();
    await withConnection({ servers: server.url }, (nc) => fillStream(nc, "KILLED", "killed.>", 10));
    const pid = server.pid!;

    await server.kill();
    expect(isAlive(pid)).toBe(false);
    expect(server.pid).toBeUndefined();
    await expect(connectOnce({ servers: server.url })).rejects.toThrow();

    await server.restart();
    expect(
      await withConnection({ servers: server.url }, (nc) => streamMessages(nc, "KILLED")),
    ).toBe(10);
  });

  it("pause makes requests time out, resume makes them work again", async () => {
    await using server = await startServer();
    await withConnection({ servers: server.url }, async (nc) => {
      await nc.request("$JS.API.INFO", undefined, { timeout: 2_000 });
      await server.pause();
      expect(server.paused).toBe(true);
      await expect(nc.request("$JS.API.INFO", undefined, { timeout: 300 })).rejects.toThrow();
      await server.resume();
      expect(server.paused).toBe(false);
      const reply = await nc.request("$JS.API.INFO", undefined, { timeout: 2_000 });
      expect(reply.data.length).toBeGreaterThan(0);
    });
  });

  it("stop() of a paused server still ends it", async () => {
    const server = await startServer({ jetstream: false });
    const pid = server.pid!;
    await server.pause();
    await server.stop();
    expect(isAlive(pid)).toBe(false);
  });

  it("honours a fixed port and jetstream: false", async () => {
    const probe = await startServer({ jetstream: false });
    const port = probe.port;
    await probe.stop();
    await using server = await startServer({ port, jetstream: false });
    expect(server.port).toBe(port);
    await withConnection({ servers: server.url }, async (nc) => {
      expect(nc.info?.jetstream ?? false).toBe(false);
    });
  });

  it("reports an early exit with the server's own log", async () => {
    const error = await startServer({ args: ["--no_such_flag"] }).catch((e: unknown) => e);
    expect(isNatsTestingError(error)).toBe(true);
    expect(error).toMatchObject({ code: "START_FAILED" });
    expect((error as Error).message).toMatch(/exited \(exit code \d+\)/);
    expect((error as Error).message).toMatch(/no_such_flag/);
  });

  it("kills leftover servers and removes their dirs when the process exits", async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const script = join(here, "fixtures", "leak-a-server.ts");
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--import", "tsx", script],
        { cwd: join(here, ".."), timeout: 30_000 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    const leaked = JSON.parse(stdout) as { pid: number; storeDir: string };
    expect(isAlive(leaked.pid)).toBe(false);
    expect(existsSync(dirname(leaked.storeDir))).toBe(false);
  });
});
