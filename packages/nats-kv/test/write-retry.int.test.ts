import { type Connection, connect, TimeoutError, WrongRevisionError } from "@helix/nats-core";
import { DEFAULT_JETSTREAM_TIMEOUT_MS } from "@helix/nats-core/internal";
import { type NatsServer, startServer } from "@helix/nats-testing";
import { uniqueName, until } from "@helix/nats-testing/vitest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createKeyValueManager, type KeyValue, type KeyValueManager } from "../src/index.js";
import { freeze, spyOnWrites } from "./helpers.js";

/** By then the first attempt of a write sent when the server froze has timed out (default timeout). */
const THAW_AFTER_MS = DEFAULT_JETSTREAM_TIMEOUT_MS + 500;

/** The revision, operation and text of each stored entry of `key`, oldest first. */
async function stored(kv: KeyValue, key: string): Promise<[number, string, string][]> {
  return (await kv.history(key)).map((e) => [e.revision, e.operation, e.string()]);
}

/** The `Nats-Msg-Id` of each write of `key` that reached the server, in order. */
function attemptsOf(seen: { subject: string; headers: Record<string, string> }[], key: string) {
  return seen.filter((m) => m.subject.endsWith(`.${key}`)).map((m) => m.headers["Nats-Msg-Id"]);
}

describe("key-value writes during an outage, with the default settings", () => {
  let server: NatsServer;
  let conn: Connection;
  let kvm: KeyValueManager;

  beforeAll(async () => {
    server = await startServer();
    conn = await connect({ addresses: [server.url], name: "kv-int-outage" });
    kvm = createKeyValueManager(conn);
  });
  afterAll(async () => {
    await conn?.close();
    await server?.stop();
  });

  /**
   * Freezes the server (SIGSTOP: it keeps its sockets and answers nothing), starts `writes`, and
   * thaws it once their first attempts have timed out. Resolves to how each write settled.
   */
  async function whileFrozen<T extends readonly unknown[]>(
    writes: () => { [K in keyof T]: Promise<T[K]> },
  ): Promise<{ results: { [K in keyof T]: PromiseSettledResult<T[K]> }; ms: number }> {
    await freeze(server);
    const started = Date.now();
    const thawed = new Promise((resolve) => setTimeout(resolve, THAW_AFTER_MS)).then(() =>
      server.resume(),
    );
    const results = (await Promise.allSettled(writes())) as {
      [K in keyof T]: PromiseSettledResult<T[K]>;
    };
    const ms = Date.now() - started;
    await thawed;
    return { results, ms };
  }

  it("a put sent while the server is frozen succeeds once it thaws, stored once", async () => {
    const kv = await kvm.create({ bucket: uniqueName("frozen"), history: 10 });
    const spy = await spyOnWrites(server.url, kv.bucket);
    const { results, ms } = await whileFrozen(() => [kv.put("k", { v: 1 })] as const);
    console.info(`kv.put while frozen: resolved after ${ms} ms`);
    expect(results[0]).toEqual({ status: "fulfilled", value: 1 });
    expect(await stored(kv, "k")).toEqual([[1, "PUT", '{"v":1}']]);
    // the frozen first attempt and the retry both reached the server, with one message id
    await until(() => spy.seen.length === 2, 5_000, "both attempts on the wire");
    const ids = attemptsOf(spy.seen, "k");
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(ids[1]).toBe(ids[0]);
    expect((await kv.status()).values).toBe(1);
    await spy.close();
  });

  it("revision-checked writes whose timed-out first attempt was stored resolve as written", async () => {
    const kv = await kvm.create({ bucket: uniqueName("stored"), history: 10 });
    const first = await kv.put("u", "first"); // 1
    const gone = await kv.put("d", "to delete"); // 2
    const purged = await kv.put("p", "to purge"); // 3
    const spy = await spyOnWrites(server.url, kv.bucket);
    const { results, ms } = await whileFrozen(
      () =>
        [
          kv.update("u", "second", first),
          kv.create("c", "created"),
          kv.delete("d", { revision: gone }),
          kv.purge("p", { revision: purged }),
        ] as const,
    );
    console.info(`kv.update/create/delete/purge while frozen: settled after ${ms} ms`);
    // 2.9 answers the retry "duplicate" (the message id is checked first), a standalone 2.15
    // "wrong last sequence" (the revision is checked first): either way, the stored attempt wins
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "fulfilled",
    ]);
    const [updated, created] = results.map((r) => (r as PromiseFulfilledResult<unknown>).value);
    const [u, c, d, p] = await Promise.all(["u", "c", "d", "p"].map((key) => stored(kv, key)));
    // each write stored exactly once: revisions 4 to 7, one per write
    expect([u?.[1]?.[0], c?.[0]?.[0], d?.[1]?.[0], p?.[0]?.[0]].sort()).toEqual([4, 5, 6, 7]);
    expect(u).toEqual([
      [1, "PUT", "first"],
      [updated, "PUT", "second"],
    ]);
    expect(c).toEqual([[created, "PUT", "created"]]);
    expect(d).toEqual([
      [2, "PUT", "to delete"],
      [d?.[1]?.[0], "DEL", ""],
    ]);
    expect(p).toEqual([[p?.[0]?.[0], "PURGE", ""]]);
    // u: 2 entries, c: 1, d: 2, p: its purge marker only
    expect((await kv.status()).values).toBe(6);
    await until(() => spy.seen.length === 8, 5_000, "both attempts of each write on the wire");
    for (const key of ["u", "c", "d", "p"]) {
      const ids = attemptsOf(spy.seen, key);
      expect(ids).toHaveLength(2);
      expect(ids[1]).toBe(ids[0]);
    }
    await spy.close();
  });

  it("a real conflicting writer still wins: WrongRevisionError and KeyExistsError after a retry", async () => {
    const kv = await kvm.create({ bucket: uniqueName("conflict"), history: 10 });
    await using other = await connect({ addresses: [server.url], name: "kv-int-other-writer" });
    const theirs = await createKeyValueManager(other).get(kv.bucket);
    const mine = await kv.put("k", "mine"); // 1
    await theirs.put("k", "theirs"); // 2
    await theirs.create("c", "theirs"); // 3
    const spy = await spyOnWrites(server.url, kv.bucket);
    const { results } = await whileFrozen(
      () => [kv.update("k", "late", mine), kv.create("c", "late")] as const,
    );
    const [update, create] = results;
    expect(update.status).toBe("rejected");
    const wrong = (update as PromiseRejectedResult).reason;
    expect(wrong).toBeInstanceOf(WrongRevisionError);
    expect(wrong).toMatchObject({
      code: "WRONG_REVISION",
      apiCode: 10071,
      message: `kv.update: the key "k" in bucket "${kv.bucket}" is not at the expected revision (wrong last sequence: 2)`,
    });
    expect(create.status).toBe("rejected");
    expect((create as PromiseRejectedResult).reason).toMatchObject({
      name: "KeyExistsError",
      code: "KEY_EXISTS",
    });
    expect(await stored(kv, "k")).toEqual([
      [1, "PUT", "mine"],
      [2, "PUT", "theirs"],
    ]);
    expect(await stored(kv, "c")).toEqual([[3, "PUT", "theirs"]]);
    // each write was retried (its first attempt timed out) before it was refused
    await until(() => spy.seen.length === 4, 5_000, "both attempts of each write on the wire");
    expect(attemptsOf(spy.seen, "k")).toHaveLength(2);
    expect(attemptsOf(spy.seen, "c")).toHaveLength(2);
    await spy.close();
  });

  it("a drain waits for a write that is retrying: it is stored, then the connection closes", async () => {
    await using service = await connect({ addresses: [server.url], name: "kv-int-drain" });
    const kv = await createKeyValueManager(service).create({ bucket: uniqueName("drain") });
    const { results } = await whileFrozen(() => {
      const put = kv.put("k", "in flight");
      // shutdownOnSignal does this on SIGTERM
      return [put, service.drain()] as const;
    });
    expect(results).toEqual([
      { status: "fulfilled", value: 1 },
      { status: "fulfilled", value: undefined },
    ]);
    expect(service.isClosed).toBe(true);
    const check = await kvm.get(kv.bucket);
    expect(await stored(check, "k")).toEqual([[1, "PUT", "in flight"]]);
  });

  it("a put is retried only while the server would still recognise its message id (a short TTL)", async () => {
    // a 1 s TTL makes the stream's de-duplication window 1 s: a retry after it could store twice
    const kv = await kvm.create({ bucket: uniqueName("shortttl"), ttlMs: 1_000 });
    const spy = await spyOnWrites(server.url, kv.bucket);
    const { results } = await whileFrozen(() => [kv.put("k", "once")] as const);
    expect(results[0].status).toBe("rejected");
    const err = (results[0] as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ message: "kv.put: timed out waiting for the server" });
    // one attempt on the wire, stored once the server thawed (it expires a second later)
    await until(() => spy.seen.length === 1, 5_000, "the attempt on the wire");
    const jsm = await conn.manager();
    expect((await jsm.streams.info(`KV_${kv.bucket}`)).state.last_seq).toBe(1);
    expect(spy.seen.map((m) => m.data)).toEqual(["once"]);
    await spy.close();
  });

  it("a put sent while the server is down (killed, then restarted) succeeds after the restart, stored once", async () => {
    const kv = await kvm.create({ bucket: uniqueName("restart"), history: 10 });
    await server.kill();
    const started = Date.now();
    const restarted = new Promise((resolve) => setTimeout(resolve, THAW_AFTER_MS)).then(() =>
      server.restart(),
    );
    const [result] = await Promise.allSettled([kv.put("k", "during the outage")]);
    const ms = Date.now() - started;
    await restarted;
    console.info(`kv.put while the server was down ${THAW_AFTER_MS} ms: resolved after ${ms} ms`);
    expect(result).toEqual({ status: "fulfilled", value: 1 });
    expect(await stored(kv, "k")).toEqual([[1, "PUT", "during the outage"]]);
    expect((await kv.status()).values).toBe(1);
  });
});

describe("key-value write retry settings", () => {
  let server: NatsServer;
  let conn: Connection;

  beforeAll(async () => {
    server = await startServer();
    // a short JetStream timeout keeps these tests quick; the defaults are tested above
    conn = await connect({ addresses: [server.url], jetstream: { timeoutMs: 500 } });
  });
  afterAll(async () => {
    await conn?.close();
    await server?.stop();
  });

  afterEach(async () => {
    if (server.paused) await server.resume();
  });

  it("onRetry hears each retry; a handle's settings replace the manager's field by field", async () => {
    const kvm = createKeyValueManager(conn, { retry: false });
    const bucket = uniqueName("settings");
    await kvm.create({ bucket });
    const retries: { error: unknown; attempt: number }[] = [];
    const kv = await kvm.get(bucket, {
      retry: {
        budgetMs: 10_000,
        onRetry: (error, attempt) => {
          retries.push({ error, attempt });
          if (attempt === 1) void server.resume();
        },
      },
    });
    await freeze(server);
    expect(await kv.put("k", "v")).toBe(1);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.attempt).toBe(1);
    expect(retries[0]?.error).toBeInstanceOf(TimeoutError);
    expect(retries[0]?.error).toMatchObject({
      message: "kv.put: timed out waiting for the server",
    });
    expect((await kv.history("k")).map((e) => e.revision)).toEqual([1]);
  });

  it("retry: false on the manager makes one attempt: a timeout is the caller's", async () => {
    const kvm = createKeyValueManager(conn, { retry: false });
    const kv = await kvm.create({ bucket: uniqueName("noretry") });
    await freeze(server);
    const err = await kv.put("k", "v").catch((e: unknown) => e);
    await server.resume();
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: "TIMEOUT", retryable: true });
  });

  it("invalid retry settings are a ValidationError before any I/O", async () => {
    let thrown: unknown;
    try {
      createKeyValueManager(conn, { retry: { budgetMs: -1 } });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({
      name: "ValidationError",
      field: "retry.budgetMs",
      message: "retry.budgetMs must be a non-negative integer, got -1",
    });
    const kvm = createKeyValueManager(conn);
    await expect(
      kvm.get("b", { retry: { initialDelayMs: 500, maxDelayMs: 100 } }),
    ).rejects.toMatchObject({
      name: "ValidationError",
      field: "retry.maxDelayMs",
      message: "retry.maxDelayMs must be an integer of at least 500, got 100",
    });
  });
});
