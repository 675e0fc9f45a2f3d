import { readdirSync, readFileSync } from "node:fs";
import { type Connection, connect, type KvOperation, type Middleware } from "@helix/nats-core";
import type { NatsServer } from "@helix/nats-testing";
import { until } from "@helix/nats-testing/vitest";
import { connect as connectNats } from "@nats-io/transport-node";
import { afterAll, beforeAll } from "vitest";
import { createKeyValueManager, type KeyValueManager } from "../src/index.js";

/**
 * What the kv suites' recording middleware saw: each operation as it was once `next()` settled
 * (the revision a call read or wrote is in), with the name of the error it ended with. Specific
 * to these suites; `recordOperations` of `@helix/nats-testing/vitest` keeps the live operation
 * objects and no outcome.
 */
export interface Recorded {
  kind: string;
  bucket: string;
  key: string | undefined;
  revision: number | undefined;
  error: string | undefined;
}

/** Connects and installs a middleware that records every kv operation's `Recorded` summary. */
export async function connectRecording(
  url: string,
  jetstream: { timeoutMs?: number } = {},
): Promise<{ conn: Connection; ops: Recorded[] }> {
  const conn = await connect({ addresses: [url], name: "kv-int", jetstream });
  const ops: Recorded[] = [];
  const record: Middleware = async (op, next) => {
    const entry = (error: string | undefined): Recorded => {
      const kv = op as KvOperation;
      return { kind: op.kind, bucket: kv.bucket, key: kv.key, revision: kv.revision, error };
    };
    try {
      const result = await next();
      ops.push(entry(undefined));
      return result;
    } catch (err) {
      ops.push(entry((err as Error).name));
      throw err;
    }
  };
  conn.middleware.add(record, { name: "record" });
  return { conn, ops };
}

/** What `kvSuite` gives a suite's tests once its `beforeAll` ran. */
export interface KvSuite {
  readonly conn: Connection;
  readonly ops: Recorded[];
  readonly kvm: KeyValueManager;
}

/**
 * For a `describe` block: connects (recording operations) and makes a manager before its tests,
 * with the default settings, and drains after them. Read the fields inside the tests.
 */
export function kvSuite(url: string): KvSuite {
  let state: KvSuite | undefined;
  beforeAll(async () => {
    const { conn, ops } = await connectRecording(url);
    state = { conn, ops, kvm: createKeyValueManager(conn) };
  });
  afterAll(async () => {
    await state?.conn.drain();
  });
  const get = (): KvSuite => {
    if (state === undefined) throw new Error("kvSuite: read it inside a test, after beforeAll");
    return state;
  };
  return {
    get conn() {
      return get().conn;
    },
    get ops() {
      return get().ops;
    },
    get kvm() {
      return get().kvm;
    },
  };
}

/** One message published to a bucket's subjects, as a plain NATS subscriber saw it on the wire. */
export interface WireMessage {
  subject: string;
  headers: Record<string, string>;
  data: string;
}

/**
 * Subscribes (plain NATS, on a connection of its own) to every subject of `bucket`: it sees each
 * write that reached the server, a retried attempt the server de-duplicated included.
 */
export async function spyOnWrites(
  url: string,
  bucket: string,
): Promise<{ seen: WireMessage[]; close(): Promise<void> }> {
  const nc = await connectNats({ servers: url, name: "kv-int-spy" });
  const seen: WireMessage[] = [];
  nc.subscribe(`$KV.${bucket}.>`, {
    callback: (_err, msg) => {
      const headers: Record<string, string> = {};
      for (const [name, values] of msg.headers ?? []) headers[name] = values.join(",");
      seen.push({ subject: msg.subject, headers, data: msg.string() });
    },
  });
  await nc.flush();
  return { seen, close: () => nc.close() };
}

/**
 * Freezes `server` (SIGSTOP) and waits until the kernel reports every thread of its process
 * stopped (`T` in `/proc/<pid>/task/<tid>/stat`): `pause()` only sends the signal, and a request
 * sent at once could still be answered before the stop takes hold.
 */
export async function freeze(server: NatsServer): Promise<void> {
  await server.pause();
  const tasks = `/proc/${server.pid}/task`;
  // the state is the field after the parenthesised command name
  const state = (tid: string) =>
    readFileSync(`${tasks}/${tid}/stat`, "utf8")
      .replace(/^.*\) /s, "")
      .charAt(0);
  const stopped = () => readdirSync(tasks).every((tid) => state(tid) === "T");
  await until(stopped, 5_000, `nats-server ${server.name} stopped`);
}
