import { createServer } from "node:net";
import { inspect } from "node:util";
import { startServer } from "@helix/nats-testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ConfigError,
  ConnectionError,
  type ConnectionEvent,
  connect,
  type Middleware,
  type Operation,
} from "../src/index.js";
import { connectionCount, freePort } from "./monitoring.js";

const url = inject("natsUrl");

describe("connect against a real server", () => {
  it("connects, reports 200 with the server address, then drains to 503", async () => {
    const conn = await connect({ addresses: [url], name: "core-int-basic" });
    const status = await conn.status();
    const port = Number(new URL(url).port);
    expect(status).toEqual({
      code: 200,
      connection: "connected",
      jetstream: true,
      server: { address: "127.0.0.1", port },
    });
    expect(conn.client.name).toBe("core-int-basic");
    expect(conn.client.serverPort).toBe(port);
    expect(conn.nats.info?.jetstream).toBe(true);
    await conn.drain();
    expect(conn.isClosed).toBe(true);
    await expect(conn.closed).resolves.toBeUndefined();
    const after = await conn.status();
    expect(after).toMatchObject({
      code: 503,
      connection: "closed",
      jetstream: false,
      server: null,
    });
  });

  it("gives the raw clients with the configured JetStream options", async () => {
    await using conn = await connect({ addresses: [url], jetstream: { timeoutMs: 1234 } });
    const jsm = await conn.manager();
    expect(await conn.manager()).toBe(jsm);
    const info = await jsm.getAccountInfo();
    // A fresh server's account: JetStream on, no limits configured (-1 is "unlimited").
    expect(info.limits).toMatchObject({ max_streams: -1, max_consumers: -1 });
    expect(conn.jetstreamOptions.timeout).toBe(1234);
  });

  it("fails with ConnectionError when nothing listens, and leaks nothing", async () => {
    const port = await freePort();
    const err = await connect({
      addresses: [`nats://127.0.0.1:${port}`],
      reconnect: { maxAttempts: 0 },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe("CONNECTION_FAILED");
    // Nothing listening may be a server still starting: worth trying again.
    expect((err as ConnectionError).retryable).toBe(true);
    expect((err as Error).message).toContain(`nats://127.0.0.1:${port}`);
    expect((err as Error).message).toMatch(/refused/i);
  });

  it("waitOnFirstConnect: waits for a server that starts after connect was called", async () => {
    const port = await freePort();
    const events: string[] = [];
    const connecting = connect({
      addresses: [`nats://127.0.0.1:${port}`],
      name: "core-int-wait",
      waitOnFirstConnect: true,
      timeoutMs: 30_000,
      reconnect: { waitMs: 100 },
    }).then((conn) => {
      events.push("connected");
      return conn;
    });
    // The first attempts are refused; connect keeps trying instead of failing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events).toEqual([]);
    events.push("server started");
    await using server = await startServer({ port });
    const conn = await connecting;
    try {
      expect(events).toEqual(["server started", "connected"]);
      expect(conn.server).toEqual({ address: "127.0.0.1", port: server.port });
    } finally {
      await conn.close();
    }
  });

  it("waitOnFirstConnect gives up after timeoutMs with a retryable ConnectionError", async () => {
    const port = await freePort();
    const err = await connect({
      addresses: [`nats://127.0.0.1:${port}`],
      waitOnFirstConnect: true,
      timeoutMs: 400,
      reconnect: { waitMs: 100 },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: "ConnectionError",
      code: "CONNECTION_FAILED",
      retryable: true,
    });
  });

  it("fails with ConnectionError when the peer accepts TCP but never speaks NATS", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const { port } = silent.address() as { port: number };
    try {
      const err = await connect({
        addresses: [`nats://127.0.0.1:${port}`],
        timeoutMs: 500,
        reconnect: { maxAttempts: 0 },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as Error).message).toMatch(/timeout/i);
    } finally {
      silent.close();
    }
  });

  it("validates before any I/O: a bad config never dials", async () => {
    const port = await freePort();
    const err = await connect({ addresses: [`nats://127.0.0.1:${port}`], timeoutMs: -1 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
  });

  it("refuses a plugin whose install throws, before dialling", async () => {
    const plugin = {
      name: "broken",
      install() {
        throw new Error("cannot install");
      },
    };
    const err = await connect({ addresses: [url], plugins: [plugin] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('plugin "broken" failed to install: cannot install');
  });
});

describe("authentication", () => {
  const secret = "s3cr:et@pa ss";
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    server = await startServer({ user: "derek", pass: secret });
  });
  afterAll(() => server.stop());

  it("authenticates with user:pass inside the URL (which the raw client ignores)", async () => {
    const address = `nats://derek:${encodeURIComponent(secret)}@127.0.0.1:${server.port}`;
    await using conn = await connect({ addresses: [address] });
    expect((await conn.status()).code).toBe(200);
    expect(JSON.stringify(conn.server)).not.toContain(secret);
  });

  it("authenticates with auth.user/pass", async () => {
    await using conn = await connect({
      addresses: [server.url],
      auth: { user: "derek", pass: secret },
    });
    expect((await conn.status()).code).toBe(200);
  });

  it("logging the connection shows a summary, never the raw client's credentials", async () => {
    await using conn = await connect({
      addresses: [server.url],
      name: "logged",
      auth: { user: "derek", pass: secret },
    });
    const summary = { name: "logged", server: `127.0.0.1:${server.port}`, state: "connected" };
    expect(JSON.parse(JSON.stringify(conn))).toMatchObject(summary);
    for (const text of [
      inspect(conn),
      inspect(conn, { depth: 10, showHidden: true }),
      JSON.stringify(conn),
    ]) {
      expect(text).toContain(`127.0.0.1:${server.port}`);
      expect(text).not.toContain(secret);
    }
  });

  it("fails a wrong password with ConnectionError that never shows the password, and closes the socket", async () => {
    const wrong = "wrong-Pa55word-xyz";
    const err = await connect({
      addresses: [`nats://derek:${wrong}@127.0.0.1:${server.port}`],
      reconnect: { maxAttempts: 0 },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    const e = err as ConnectionError;
    expect(e.code).toBe("AUTHORIZATION_FAILED");
    expect(e.message).toMatch(/Authorization Violation/i);
    const everything = [String(e), e.message, e.stack, JSON.stringify(e)];
    for (
      let cause = e.cause as Error | undefined;
      cause;
      cause = cause.cause as Error | undefined
    ) {
      everything.push(String(cause), cause.message, cause.stack ?? "");
    }
    for (const text of everything) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(secret);
    }
    expect(await connectionCount(server.monitorUrl)).toBe(0);
  });
});

describe("token authentication", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({ token: "t0ken-value" });
  });
  afterAll(() => server.stop());

  it("connects with the token and refuses a wrong one", async () => {
    await using conn = await connect({ addresses: [server.url], auth: { token: "t0ken-value" } });
    expect((await conn.status()).code).toBe(200);
    const err = await connect({
      addresses: [server.url],
      auth: { token: "nope-token" },
      reconnect: { maxAttempts: 0 },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(String(err)).not.toContain("nope-token");
  });
});

describe("health across a server restart", () => {
  it("turns 503 within the reconnect interval after a kill, and 200 after the restart", async () => {
    const server = await startServer();
    try {
      await using conn = await connect({ addresses: [server.url] }); // default reconnect wait: 2 s
      expect((await conn.status()).code).toBe(200);
      await server.kill("SIGKILL");
      await expect
        .poll(() => conn.status(), { timeout: 2_000, interval: 50 })
        .toMatchObject({
          code: 503,
          connection: "reconnecting",
          server: null,
        });
      await server.restart();
      await expect
        .poll(() => conn.status(), { timeout: 10_000, interval: 100 })
        .toMatchObject({
          code: 200,
          connection: "connected",
          jetstream: true,
          server: { port: server.port },
        });
    } finally {
      await server.stop();
    }
  });
});

describe("middleware and events", () => {
  it("passes connection events through onEvent and the middleware stack", async () => {
    const server = await startServer();
    try {
      const events: ConnectionEvent[] = [];
      const seen: Operation[] = [];
      const watch: Middleware = (op, next) => {
        seen.push(op);
        return next();
      };
      const conn = await connect({
        addresses: [server.url],
        reconnect: { waitMs: 100, jitterMs: 0 },
        onEvent: (e) => events.push(e),
        plugins: [{ name: "watch", install: (stack) => stack.add(watch, { name: "watch" }) }],
      });
      expect(conn.middleware.names).toEqual(["watch"]);
      await server.kill("SIGKILL");
      await expect.poll(() => conn.status().then((s) => s.code), { timeout: 5_000 }).toBe(503);
      expect((await conn.status()).connection).toBe("reconnecting");
      await server.restart();
      await expect.poll(() => conn.status().then((s) => s.code), { timeout: 15_000 }).toBe(200);
      const types = events.map((e) => e.type);
      expect(types).toContain("disconnect");
      expect(types).toContain("reconnect");
      const eventOps = seen.filter((op) => op.kind === "connection.event");
      expect(eventOps.map((op) => (op.kind === "connection.event" ? op.event.type : ""))).toContain(
        "reconnect",
      );
      await conn.drain();
      expect(events.map((e) => e.type)).toContain("close");
    } finally {
      await server.stop();
    }
  });

  it("installs a plugin later with use(), and refuses a duplicate", async () => {
    await using conn = await connect({ addresses: [url] });
    const plugin = {
      name: "p",
      install: (s: { add: (m: Middleware, o: { name: string }) => unknown }) =>
        s.add((_o, n) => n(), { name: "p-mw" }),
    };
    conn.use(plugin);
    expect(conn.middleware.names).toEqual(["p-mw"]);
    expect(() => conn.use(plugin)).toThrow(ConfigError);
    expect(() => conn.use({ name: "", install() {} })).toThrow(ConfigError);
  });
});

describe("drain", () => {
  it("finishes registered work before closing, with the connection still usable meanwhile", async () => {
    const conn = await connect({ addresses: [url] });
    const order: string[] = [];
    conn.onDrain(async () => {
      await new Promise((r) => setTimeout(r, 100));
      const reply = await conn.nats.request("$JS.API.INFO", undefined, { timeout: 2000 });
      order.push(`hook done (${reply.data.length > 0 ? "answered" : "empty"})`);
    });
    const unregistered = conn.onDrain(async () => {
      order.push("should not run");
    });
    unregistered();
    await conn.drain();
    order.push("drained");
    expect(order).toEqual(["hook done (answered)", "drained"]);
    expect(conn.isClosed).toBe(true);
    await conn.drain();
  });

  it("reports a failing drain hook as an error event and still closes", async () => {
    const events: ConnectionEvent[] = [];
    const conn = await connect({ addresses: [url], onEvent: (e) => events.push(e) });
    conn.onDrain(async () => {
      throw new Error("publisher lost its acks");
    });
    await conn.drain();
    expect(conn.isClosed).toBe(true);
    const error = events.find((e) => e.type === "error");
    expect(error?.type === "error" && error.error.message).toContain("publisher lost its acks");
  });

  it("drains on `await using`", async () => {
    let closed: Promise<unknown> | undefined;
    {
      await using conn = await connect({ addresses: [url] });
      closed = conn.closed;
      expect(conn.isClosed).toBe(false);
    }
    await expect(closed).resolves.toBeUndefined();
  });
});
