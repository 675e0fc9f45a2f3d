import { setTimeout as sleep } from "node:timers/promises";
import { jetstream, jetstreamManager, StorageType } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { startCluster } from "../src/index.js";
import { isAlive } from "./helpers.js";

/** Publishes with a stable msgID (no duplicates), retrying failures (leader election) until `deadline`. */
async function publishWithRetry(
  js: ReturnType<typeof jetstream>,
  subject: string,
  id: string,
  deadline: number,
): Promise<void> {
  for (;;) {
    try {
      await js.publish(subject, id, { msgID: id, timeout: 1_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

describe("startCluster", () => {
  it("forms a 3-node JetStream cluster whose R3 stream survives losing its leader", async () => {
    await using cluster = await startCluster({ size: 3 });
    expect(cluster.nodes.map((node) => node.name)).toEqual(["n1", "n2", "n3"]);
    const version = process.env.HELIX_NATS_SERVER_VERSION ?? cluster.nodes[0]?.version;
    expect(cluster.nodes.map((node) => node.version)).toEqual([version, version, version]);
    expect(cluster.urls).toHaveLength(3);
    expect(cluster.url).toBe(cluster.urls.join(","));
    expect(new Set(cluster.nodes.map((node) => node.port)).size).toBe(3);
    const metaLeader = await cluster.waitForMetaLeader();
    expect(cluster.node(metaLeader)).toBeDefined();

    const nc = await connect({ servers: [...cluster.urls], reconnectTimeWait: 100 });
    try {
      const jsm = await jetstreamManager(nc);
      const js = jetstream(nc);
      const created = await jsm.streams.add({
        name: "ORDERS",
        subjects: ["orders.>"],
        storage: StorageType.File,
        num_replicas: 3,
      });
      expect(created.config.num_replicas).toBe(3);
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => js.publish("orders.new", `${i}`, { msgID: `a${i}` })),
      );

      const before = await jsm.streams.info("ORDERS");
      expect(before.state.messages).toBe(100);
      const leaderName = before.cluster?.leader;
      expect(leaderName).toBeDefined();
      const leader = cluster.node(leaderName!);
      expect(leader).toBeDefined();
      const leaderPid = leader!.pid!;
      const leaderPort = leader!.port;

      await leader!.kill("SIGKILL");
      expect(isAlive(leaderPid)).toBe(false);

      const deadline = Date.now() + 15_000;
      for (let i = 0; i < 50; i++) await publishWithRetry(js, "orders.new", `b${i}`, deadline);
      const after = await jsm.streams.info("ORDERS");
      expect(after.state.messages).toBe(150); // all 100 + 50, none lost, none duplicated
      expect(after.cluster?.leader).toBeDefined();
      expect(after.cluster?.leader).not.toBe(leaderName);

      await leader!.restart();
      expect(leader!.port).toBe(leaderPort);
      await cluster.waitForMetaLeader();
      let rejoined = false;
      for (const end = Date.now() + 15_000; !rejoined && Date.now() < end; await sleep(200)) {
        const info = await jsm.streams.info("ORDERS");
        const replica = info.cluster?.replicas?.find((peer) => peer.name === leaderName);
        rejoined = info.cluster?.leader === leaderName || replica?.current === true;
      }
      expect(rejoined).toBe(true);
      expect((await jsm.streams.info("ORDERS")).state.messages).toBe(150);
    } finally {
      await nc.close();
    }
  });

  it("stop() ends every node and is idempotent", async () => {
    const cluster = await startCluster({ size: 2, jetstream: false });
    const pids = cluster.nodes.map((node) => node.pid!);
    await cluster.stop();
    await cluster.stop();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    await expect(cluster.waitForMetaLeader(100)).rejects.toMatchObject({ code: "NOT_SUPPORTED" });
  });
});
