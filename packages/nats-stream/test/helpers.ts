import { readFileSync } from "node:fs";
import { type Config, type Connection, connect } from "@helix/nats-core";
import type { NatsServer } from "@helix/nats-testing";
import { uniqueName, until } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, inject } from "vitest";
import { createStreamManager, type Stream } from "../src/index.js";

/**
 * Runs `run` with a fresh stream named `<prefix>_<hex>` listening on `<name>.>`, and deletes the
 * stream afterwards.
 */
export async function withStream(
  conn: Connection,
  prefix: string,
  run: (stream: Stream, name: string) => Promise<void>,
): Promise<void> {
  const streams = createStreamManager(conn);
  const name = uniqueName(prefix);
  const stream = await streams.create({ name, subjects: [`${name}.>`] });
  try {
    await run(stream, name);
  } finally {
    await streams.delete(name);
  }
}

/**
 * Connects to the project's server once for the test file (`beforeAll`), as `name` with
 * `config`, and drains the connection after its tests (`afterAll`). Returns the connection's
 * getter (it exists once the tests run).
 */
export function connectForFile(
  name: string,
  config: Omit<Config, "addresses" | "name"> = {},
): () => Connection {
  let conn: Connection | undefined;
  beforeAll(async () => {
    conn = await connect({ addresses: [inject("natsUrl")], name, ...config });
  });
  afterAll(async () => {
    await conn?.drain();
  });
  return () => {
    if (conn === undefined) throw new Error(`${name}: not connected yet (use it inside a test)`);
    return conn;
  };
}

/**
 * Freezes `server` (SIGSTOP) and, for a spawned process on Linux, waits until the kernel reports
 * it stopped (`T` in `/proc/<pid>/stat`), so nothing sent afterwards can be answered before
 * `server.resume()`.
 */
export async function freeze(server: NatsServer): Promise<void> {
  await server.pause();
  const pid = server.pid;
  if (pid === undefined) return;
  const state = (): string | undefined => {
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    } catch {
      return undefined;
    }
  };
  if (state() === undefined) return;
  await until(() => state() === "T", 10_000, `nats-server ${pid} stopped`);
}
