import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { connect } from "@helix/nats-core";
import { startServer } from "@helix/nats-testing";
import { until } from "@helix/nats-testing/vitest";
import { describe, expect, it } from "vitest";
import { createPublisher, createStreamManager } from "../src/index.js";

/** Every file under `dir`, read whole. */
async function filesUnder(dir: string): Promise<Buffer[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name))),
  );
}

async function onDisk(dir: string, marker: string): Promise<boolean> {
  return (await filesUnder(dir)).some((file) => file.includes(marker));
}

describe("secureDeleteMsg", () => {
  it("overwrites the message's data on disk; deleteMsg only marks it deleted", async () => {
    await using server = await startServer({ jetstream: true });
    const storeDir = server.storeDir;
    expect(storeDir?.endsWith("/store")).toBe(true);
    await using conn = await connect({ addresses: [server.url], name: "stream-int-erase" });
    const streams = createStreamManager(conn);
    const stream = await streams.create({ name: "ERASE", subjects: ["erase.>"], storage: "file" });
    const publisher = createPublisher(conn);
    const kept = "marker-deleted-but-kept-4f1c";
    const erased = "marker-securely-erased-9b2e";
    await publisher.publish("erase.a", kept);
    await publisher.publish("erase.b", erased);
    await publisher.publish("erase.c", "last");
    // the block file holds both payloads once the server has flushed it
    await until(
      () => onDisk(storeDir ?? "", erased),
      5_000,
      "the messages reaching the block file",
    );

    await stream.deleteMsg(1);
    await stream.secureDeleteMsg(2);
    expect(await stream.getMsg(1)).toBeNull();
    expect(await stream.getMsg(2)).toBeNull();
    // the server erased the secure-deleted bytes before answering; a plain delete leaves them
    expect(await onDisk(storeDir ?? "", erased)).toBe(false);
    expect(await onDisk(storeDir ?? "", kept)).toBe(true);
  });
});
