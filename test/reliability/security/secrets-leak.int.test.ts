import { randomBytes } from "node:crypto";
import { createConsumerManager } from "@helix/nats-consumer";
import { type Config, type Connection, type ConnectionEvent, connect } from "@helix/nats-core";
import { createKeyValueManager } from "@helix/nats-kv";
import { otel } from "@helix/nats-otel";
import { createPublisher, createStreamManager } from "@helix/nats-stream";
import { type NatsServer, startServer } from "@helix/nats-testing";
import { createUser, fromSeed } from "@nats-io/nkeys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until, useAsyncContext, w3cPropagator } from "../../../packages/nats-otel/test/helpers.js";
import { newNkeyUser, PASSWORD, TOKEN, USER, usersServerConfig } from "./auth-servers.js";
import { Exposure, leaks, textOf } from "./leak-capture.js";

/**
 * A full run per identity (password in the URL, password in `auth`, token, NKEY seed): publish,
 * consume (one handler failure), fetch, KV, failures (wrong credentials, a denied subject, a
 * missing stream, a stale revision), a server restart and reconnect, drain. Everything the run
 * exposes is collected (see Exposure) and searched for the secrets.
 */
const nkey = newNkeyUser();
const nkeyPrivate = new TextDecoder().decode(
  fromSeed(new TextEncoder().encode(nkey.seed)).getPrivateKey(),
);
let users: NatsServer;
let tokenServer: NatsServer;

beforeAll(async () => {
  useAsyncContext();
  [users, tokenServer] = await Promise.all([
    startServer({ config: usersServerConfig(nkey) }),
    startServer({ token: TOKEN }),
  ]);
});
afterAll(async () => {
  await Promise.all([users?.stop(), tokenServer?.stop()]);
});

interface Identity {
  server: () => NatsServer;
  config: (server: NatsServer) => Config;
  /** The same identity with a wrong secret, for a refused connection. */
  wrong: (server: NatsServer) => Config;
  secrets: string[];
  /** Whether the server denies this identity publishing to `denied.>`. */
  hasDeniedSubject: boolean;
}

const WRONG_PASSWORD = "Wr0ng-p@ss:w/rd";
const WRONG_TOKEN = "Wr0ng-T0k3n-Qz9";
const WRONG_SEED = new TextDecoder().decode(createUser().getSeed());
const hostPort = (s: NatsServer) => `127.0.0.1:${s.port}`;

const IDENTITIES: Record<string, Identity> = {
  "password in the URL": {
    server: () => users,
    config: (s) => ({
      addresses: [`nats://${USER}:${encodeURIComponent(PASSWORD)}@${hostPort(s)}`],
    }),
    wrong: (s) => ({
      addresses: [`nats://${USER}:${encodeURIComponent(WRONG_PASSWORD)}@${hostPort(s)}`],
    }),
    secrets: [PASSWORD, WRONG_PASSWORD],
    hasDeniedSubject: true,
  },
  "password in auth": {
    server: () => users,
    config: (s) => ({ addresses: [s.url], auth: { user: USER, pass: PASSWORD } }),
    wrong: (s) => ({ addresses: [s.url], auth: { user: USER, pass: WRONG_PASSWORD } }),
    secrets: [PASSWORD, WRONG_PASSWORD],
    hasDeniedSubject: true,
  },
  token: {
    server: () => tokenServer,
    config: (s) => ({ addresses: [s.url], auth: { token: TOKEN } }),
    wrong: (s) => ({ addresses: [s.url], auth: { token: WRONG_TOKEN } }),
    secrets: [TOKEN, WRONG_TOKEN],
    // nats-server has no per-subject permissions for a token: the other failures cover it.
    hasDeniedSubject: false,
  },
  "NKEY seed": {
    server: () => users,
    config: (s) => ({ addresses: [s.url], auth: { nkeySeed: nkey.seed } }),
    wrong: (s) => ({ addresses: [s.url], auth: { nkeySeed: WRONG_SEED } }),
    secrets: [nkey.seed, nkeyPrivate, WRONG_SEED],
    hasDeniedSubject: true,
  },
};

async function workload(
  conn: Connection,
  server: NatsServer,
  identity: Identity,
  exposure: Exposure,
  events: ConnectionEvent[],
): Promise<void> {
  const expectFailure = async (call: () => Promise<unknown>, code: string) => {
    const err = await call().then(
      () => new Error(`expected ${code}`),
      (e: unknown) => e,
    );
    exposure.error(err);
    expect(err).toMatchObject({ code });
  };
  const stream = `LEAK${randomBytes(4).toString("hex")}`;
  const streams = createStreamManager(conn);
  await streams.create({ name: stream, subjects: [`${stream}.>`] });
  const publisher = createPublisher(conn);
  for (let i = 0; i < 3; i++) await publisher.publish(`${stream}.a`, { i }, { msgID: `m${i}` });
  for (let i = 0; i < 3; i++) await publisher.publishAsync(`${stream}.b`, { i });
  await publisher.complete();

  const consumers = createConsumerManager(conn);
  const worker = await consumers.createOrUpdate(stream, {
    durable_name: "worker",
    filter_subject: `${stream}.a`,
  });
  let handled = 0;
  const work = worker.consume(
    (msg) => {
      handled++;
      if (msg.info.deliveryCount === 1 && msg.seq === 2) throw new Error("handler failed once");
    },
    { nakDelayMs: 50, onError: (err) => exposure.error(err) },
  );
  await until(() => handled >= 3, 20_000);
  await work.drain();
  const puller = await consumers.createOrUpdate(stream, { durable_name: "puller" });
  for (const msg of await puller.fetch(6, { expiresMs: 2_000 })) await msg.ack();

  const kvm = createKeyValueManager(conn);
  const kv = await kvm.create({ bucket: `leak${stream}` });
  const first = await kv.put("k", "v1");
  await kv.put("k", "v2");
  await kv.get("k");
  await expectFailure(() => kv.update("k", "stale", first), "WRONG_REVISION");
  await expectFailure(() => kv.create("k", "again"), "KEY_EXISTS");

  // Failures whose messages reach errors, spans and events.
  await expectFailure(() => streams.get(`${stream}MISSING`), "NOT_FOUND");
  await expectFailure(() => consumers.get(stream, "ghost"), "NOT_FOUND");
  await expectFailure(() => publisher.publish(`nowhere${stream}.x`, "lost"), "NOT_FOUND");
  if (identity.hasDeniedSubject) {
    await streams.create({ name: `${stream}D`, subjects: ["denied.>"] });
    await expectFailure(() => publisher.publish("denied.x", "no"), "PERMISSION_DENIED");
    await streams.delete(`${stream}D`);
  }
  await expectFailure(
    () => connect({ ...identity.wrong(server), reconnect: { maxAttempts: 0 } }),
    "AUTHORIZATION_FAILED",
  );

  // A restart: disconnect, reconnecting, reconnect events, and a reconnect metric point.
  const before = events.filter((e) => e.type === "reconnect").length;
  await server.restart();
  await until(() => events.filter((e) => e.type === "reconnect").length > before, 20_000);
  await expect.poll(() => conn.status().then((s) => s.code), { timeout: 20_000 }).toBe(200);
  await publisher.publish(`${stream}.a`, "after reconnect");
  exposure.add(await conn.status());
  exposure.add({ server: conn.server, client: conn.client, name: conn.client.name });
  // What `console.log(conn)` or a JSON logger would print.
  exposure.add(conn);
  exposure.add(JSON.stringify(conn));

  await kvm.delete(kv.bucket);
  await streams.delete(stream);
}

describe("no secret appears in anything a run exposes", () => {
  it("the collector does find a secret hidden in a cause chain (control)", () => {
    const hidden = new Error("outer", {
      cause: new Error("middle", { cause: { detail: "x-SeCrEt-x" } }),
    });
    expect(leaks(textOf(hidden), ["SeCrEt"])).toEqual(["SeCrEt"]);
  });

  for (const [label, identity] of Object.entries(IDENTITIES)) {
    it(label, async () => {
      const exposure = new Exposure();
      const events: ConnectionEvent[] = [];
      const server = identity.server();
      await exposure.console(async () => {
        const conn = await connect({
          ...identity.config(server),
          name: `leak-${label.replaceAll(" ", "-")}`,
          reconnect: { waitMs: 100, jitterMs: 0 },
          onEvent: (e) => {
            events.push(e);
            exposure.event(e);
          },
          plugins: [
            otel({
              tracerProvider: exposure.tracerProvider,
              meterProvider: exposure.meterProvider,
              propagator: w3cPropagator(),
            }),
            exposure.plugin(),
          ],
        });
        try {
          await workload(conn, server, identity, exposure, events);
        } finally {
          await conn.drain();
          exposure.add(await conn.closed);
          exposure.add(await conn.status());
        }
      });
      const text = await exposure.text();
      console.log(
        `secrets leak (${label}): ${JSON.stringify(exposure.counts)}, ${text.length} chars`,
      );
      // The run exposed plenty: failures, events of a reconnect, spans and metric points.
      expect(exposure.counts.errors).toBeGreaterThanOrEqual(identity.hasDeniedSubject ? 8 : 7);
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining(["disconnect", "reconnect", "close"]),
      );
      expect(exposure.counts.operations).toBeGreaterThan(30);
      expect(exposure.counts.spans).toBeGreaterThan(30);
      expect(exposure.counts.points).toBeGreaterThan(10);
      expect(text).toContain(`${server.port}`);
      expect(leaks(text, identity.secrets)).toEqual([]);
      // Control: the secret was in play. The raw client (the escape hatch, which helix never
      // prints) holds it in its options for a password or token, and the search finds it there.
      if (identity.server() === tokenServer || label.startsWith("password")) {
        const raw = (await connect(identity.config(server))) as Connection;
        const rawOptions = textOf((raw.nats as unknown as { options: unknown }).options);
        await raw.close();
        expect(leaks(rawOptions, identity.secrets.slice(0, 1))).not.toEqual([]);
      }
      await exposure.shutdown();
    });
  }
});
