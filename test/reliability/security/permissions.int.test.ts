import { randomBytes } from "node:crypto";
import { type Connection, type ConnectionEvent, connect, PermissionError } from "@helix/nats-core";
import { createKeyValueManager } from "@helix/nats-kv";
import { createPublisher, createStreamManager } from "@helix/nats-stream";
import { type NatsServer, startServer } from "@helix/nats-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newNkeyUser, PASSWORD, USER, usersServerConfig } from "./auth-servers.js";

/**
 * The server denies this user publishing to `denied.>`. A JetStream publish there must fail at
 * once with a typed PermissionError (not a timeout, not "no responders"), and the connection
 * must stay open and usable.
 */
let server: NatsServer;
let conn: Connection;
const events: ConnectionEvent[] = [];
const stream = `PERM${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  server = await startServer({ config: usersServerConfig(newNkeyUser()) });
  conn = await connect({
    addresses: [server.url],
    auth: { user: USER, pass: PASSWORD },
    jetstream: { timeoutMs: 10_000 },
    onEvent: (e) => events.push(e),
  });
  await createStreamManager(conn).create({ name: stream, subjects: ["denied.>", "allowed.>"] });
});
afterAll(async () => {
  await conn?.close();
  await server?.stop();
});

async function deniedError(send: () => Promise<unknown>): Promise<PermissionError> {
  const started = performance.now();
  const err = await send().then(
    () => new Error("the denied publish succeeded"),
    (e: unknown) => e,
  );
  const ms = performance.now() - started;
  console.log(`denied publish failed after ${ms.toFixed(1)} ms: ${(err as Error).message}`);
  expect(err).toBeInstanceOf(PermissionError);
  expect(err).toMatchObject({
    code: "PERMISSION_DENIED",
    name: "PermissionError",
    retryable: false,
  });
  // Far below the 10 s JetStream timeout: the server's answer, not a timeout.
  expect(ms).toBeLessThan(5_000);
  return err as PermissionError;
}

describe("a subject-permission violation", () => {
  it("publish: PermissionError naming the subject; the connection stays usable", async () => {
    const publisher = createPublisher(conn);
    const err = await deniedError(() => publisher.publish("denied.orders", { id: 1 }));
    expect(err.message).toBe('publish: Permissions Violation for Publish to "denied.orders"');
    expect(conn.isClosed).toBe(false);
    expect((await conn.status()).code).toBe(200);
    const ack = await publisher.publish("allowed.orders", { id: 2 });
    expect(ack).toMatchObject({ stream, duplicate: false });
    // The server's -ERR reached onEvent as an error event too, and nothing closed.
    const errors = events.filter((e) => e.type === "error");
    expect(
      errors.some((e) => e.type === "error" && /Permissions Violation/.test(e.error.message)),
    ).toBe(true);
    expect(events.some((e) => e.type === "close" || e.type === "disconnect")).toBe(false);
  });

  it("publishAsync: the denied message's ack rejects; the others are acked", async () => {
    const publisher = createPublisher(conn, { maxPending: 16 });
    const futures = await Promise.all(
      ["allowed.a", "denied.b", "allowed.c", "denied.d", "allowed.e"].map((s) =>
        publisher.publishAsync(s, s),
      ),
    );
    const settled = await Promise.allSettled(futures.map((f) => f.ack));
    expect(settled.map((s) => s.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    for (const s of settled) {
      if (s.status === "rejected") expect(s.reason).toBeInstanceOf(PermissionError);
    }
    expect(await publisher.complete()).toMatchObject({ acked: 3, failed: 2 });
  });

  it("a retrying publisher does not retry a denial", async () => {
    const retries: unknown[] = [];
    const publisher = createPublisher(conn, {
      retry: { attempts: 5, onRetry: (e: unknown) => retries.push(e) },
    });
    await deniedError(() => publisher.publish("denied.retry", "x"));
    expect(retries).toEqual([]);
  });

  it("a KV write whose subject is denied is a PermissionError too", async () => {
    // The bucket's subjects are $KV.<bucket>.>: deny them through a second user.
    const nkey = newNkeyUser();
    const bucket = `perm${randomBytes(4).toString("hex")}`;
    await using locked = await startServer({
      config: usersServerConfig(nkey).replaceAll('deny: ["denied.>"]', `deny: ["$KV.${bucket}.>"]`),
    });
    await using c = await connect({ addresses: [locked.url], auth: { nkeySeed: nkey.seed } });
    const kv = await createKeyValueManager(c).create({ bucket, storage: "memory" });
    const err = await kv.put("k", "v").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionError);
    expect((err as Error).message).toContain(`$KV.${bucket}.k`);
    expect(await kv.get("k")).toBeNull();
    expect((await c.status()).code).toBe(200);
  });
});
