import type { Connection } from "@helix/nats-core";
import { uniqueName } from "@helix/nats-testing/vitest";
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
