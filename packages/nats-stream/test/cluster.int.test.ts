import { connect, getHeader } from "@helix/nats-core";
import { startCluster } from "@helix/nats-testing";
import { describe, expect, it } from "vitest";
import { createPublisher, createStreamManager, type PublishFuture } from "../src/index.js";

const TOTAL = 5_000;
const KILL_AFTER = 1_000;

describe("a 3-node cluster losing the stream leader", () => {
  it("every publishAsync future settles and every acked message is stored exactly once", async () => {
    await using cluster = await startCluster({ size: 3 });
    await cluster.waitForMetaLeader();
    await using conn = await connect({
      addresses: [...cluster.urls],
      name: "stream-int-cluster",
      reconnect: { waitMs: 250 },
    });
    const streams = createStreamManager(conn);
    const stream = await streams.create({
      name: "ORDERS",
      subjects: ["orders.>"],
      num_replicas: 3,
    });
    expect(stream.config.num_replicas).toBe(3);
    const leaderName = (await stream.info()).cluster?.leader;
    expect(["n1", "n2", "n3"]).toContain(leaderName);
    const leader = cluster.node(leaderName ?? "");
    expect(leader?.name).toBe(leaderName);

    let retried = 0;
    const retriedCodes = new Map<string, number>();
    const publisher = createPublisher(conn, {
      maxPending: 256,
      timeoutMs: 2_000,
      retry: {
        attempts: 15,
        initialDelayMs: 250,
        maxDelayMs: 2_000,
        onRetry: (error) => {
          retried++;
          retriedCodes.set(error.code, (retriedCodes.get(error.code) ?? 0) + 1);
        },
      },
    });
    const futures: PublishFuture[] = [];
    let killed: Promise<void> | undefined;
    for (let i = 0; i < TOTAL; i++) {
      if (i === KILL_AFTER) killed = leader?.kill("SIGKILL");
      futures.push(await publisher.publishAsync(`orders.${i % 10}`, `order ${i}`));
    }
    await killed;
    const completion = await publisher.complete();
    const results = await Promise.allSettled(futures.map((f) => f.ack));
    // every future settled (allSettled returned) and complete() counted each of them
    expect(completion.acked + completion.failed).toBe(TOTAL);
    const acked = new Map<string, number>();
    results.forEach((result, i) => {
      if (result.status === "fulfilled") acked.set(futures[i]?.msgID ?? "", result.value.seq);
    });
    expect(acked.size).toBe(completion.acked);
    // the leader change really happened during the run, and retries covered it
    expect(retried).toBeGreaterThan(0);
    expect(completion.acked).toBeGreaterThan(KILL_AFTER);
    console.info(
      `cluster: ${completion.acked} acked, ${completion.failed} failed, ${retried} retries`,
      Object.fromEntries(retriedCodes),
    );

    // read the stream back on the surviving nodes (the handle's calls retry nothing: wait for
    // the new leader through info())
    const info = await waitFor(() => stream.info());
    expect(info.cluster?.leader).not.toBe(leaderName);
    const stored = new Map<string, number[]>();
    // read back by sequence (stream leader only: a consumer would need the meta leader too)
    for (let from = info.state.first_seq; from <= info.state.last_seq; from += 100) {
      const seqs = Array.from({ length: 100 }, (_, k) => from + k).filter(
        (seq) => seq <= info.state.last_seq,
      );
      const msgs = await Promise.all(seqs.map((seq) => waitFor(() => stream.getMsg(seq))));
      for (const msg of msgs) {
        if (msg === null) continue;
        const id = getHeader(msg.headers, "Nats-Msg-Id") ?? "";
        stored.set(id, [...(stored.get(id) ?? []), msg.seq]);
      }
    }
    expect([...stored.values()].flat()).toHaveLength(info.state.messages);
    for (const [id, seq] of acked) expect(stored.get(id), id).toEqual([seq]);
    // and no message was stored twice, acked or not
    for (const [id, seqs] of stored) expect(seqs, id).toHaveLength(1);
  }, 240_000);
});

async function waitFor<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= 60) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
