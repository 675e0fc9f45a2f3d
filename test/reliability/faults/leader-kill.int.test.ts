import { createConsumerManager } from "@helix/nats-consumer";
import { type ConnectionEventType, connect } from "@helix/nats-core";
import {
  createPublisher,
  createStreamManager,
  type Publisher,
  type Stream,
} from "@helix/nats-stream";
import { type NatsServer, startCluster } from "@helix/nats-testing";
import { nanos } from "@nats-io/transport-node";
import { expect, it } from "vitest";
import { type Crash, expectNothingLost } from "./delivery-guarantees.js";
import { recordFigures } from "./fault-figures.js";
import { ProcessLedger } from "./process-ledger.js";
import { PublishLedger } from "./publish-ledger.js";
import { replicaMessages } from "./replica-state.js";
import { RetryTally } from "./retry-tally.js";
import { readStream } from "./stream-contents.js";
import { eventually, waitUntil } from "./wait-until.js";

const STREAM = "FAULT_LEADER";
/** First run: 10,000 messages, the stream leader killed after 2,000 were sent. */
const TOTAL = 10_000;
const KILL_AT = 2_000;
/** Second run, once the first leader is back: the new leader killed, then restarted. */
const SECOND_TOTAL = 2_000;
const SECOND_KILL_AT = 500;
/**
 * Every message is published with its own ID by the DEFAULT publisher (its retries ride out the
 * election: transient failures are retried for up to 30 s): the stream ends with all.
 */
const EXPECTED = TOTAL + SECOND_TOTAL;

// An R3 stream keeps every acknowledged message when its leader dies (an ack means a quorum
// stored it). Publishes in flight at the kill time out or fail with "no responders" during the
// election, and are retried with the same Nats-Msg-Id, so the new leader's duplicate window
// stores each once. The R3 consumer fails over too; handled messages whose acks were lost are
// redelivered with a delivery count above 1, except (nats-server 2.9.10) deliveries the killed
// consumer leader had not replicated yet: the new leader hands those out again with delivery
// count 1, which `crashes` allows only for a first delivery before a kill and one after it.
it("a 3-node cluster: kill -9 of the R3 stream leader during 10,000 publishAsync + consume, then a second node killed and restarted: nothing acked is lost, nothing stored twice", async () => {
  await using cluster = await startCluster({ size: 3 });
  await cluster.waitForMetaLeader();
  const events: ConnectionEventType[] = [];
  await using conn = await connect({
    addresses: [...cluster.urls],
    name: "faults-leader-kill",
    reconnect: { waitMs: 250 },
    jetstream: { timeoutMs: 2_000 },
    onEvent: (event) => events.push(event.type),
  });
  const stream = await createStreamManager(conn).create({
    name: STREAM,
    subjects: ["leader.>"],
    num_replicas: 3,
  });
  const consumer = await createConsumerManager(conn).createOrUpdate(STREAM, {
    durable_name: "worker",
    ack_policy: "explicit",
    ack_wait: nanos(5_000),
  });

  const processed = new ProcessLedger();
  let missedInARow = 0;
  const statuses: Record<string, number> = {};
  let workEnded = "running";
  const consumeErrors: Record<string, number> = {};
  const work = consumer.consume(
    processed.wrap(() => {}),
    {
      concurrency: 8,
      expiresMs: 2_000,
      onStatus: (status) => {
        statuses[status.type] = (statuses[status.type] ?? 0) + 1;
        if (status.type === "heartbeats_missed")
          missedInARow = Math.max(missedInARow, status.count);
      },
      onError: (err) => {
        consumeErrors[err.name] = (consumeErrors[err.name] ?? 0) + 1;
      },
    },
  );

  work.closed.then(
    () => {
      workEnded = "closed";
    },
    (err: Error) => {
      workEnded = `failed: ${err.message}`;
    },
  );
  const retries = new RetryTally();
  const retriesByReason: Record<string, number> = {};
  // the default publisher (window, timeout, retry policy); onRetry only observes
  const publisher = createPublisher(conn, {
    retry: {
      onRetry: (error, _attempt, reason) => {
        retries.onRetry(error);
        retriesByReason[reason] = (retriesByReason[reason] ?? 0) + 1;
      },
    },
  });
  const ledger = new PublishLedger();

  // run 1: the stream leader dies mid-run
  const first = await leaderOf(stream, cluster.node.bind(cluster));
  const run1 = await publishWithKill(publisher, ledger, "one", TOTAL, KILL_AT, first);
  expect(retries.total, "publishes retried around the leader's death").toBeGreaterThan(0);
  retries.mark("run1");
  const restart1 = await timed(() => first.restart());
  await cluster.waitForMetaLeader();

  // run 2: kill a second node, the consumer's leader (the first one is not: it was down when
  // leaders moved off it), so the consume's pull request dies with it and heartbeats stop; the
  // consume must ride out the election (default maxMissedHeartbeats, 1 s heartbeats) and resume
  const second = await eventually("the consumer has a leader", async () => {
    const leader = cluster.node((await consumer.info()).cluster?.leader ?? "");
    if (leader === undefined) throw new Error("no consumer leader yet");
    return leader;
  });
  expect(second.name, "a new leader took over").not.toBe(first.name);
  const streamLeaderInRun2 = (await leaderOf(stream, cluster.node.bind(cluster))).name;
  const run2 = await publishWithKill(
    publisher,
    ledger,
    "two",
    SECOND_TOTAL,
    SECOND_KILL_AT,
    second,
  );
  const restart2 = await timed(() => second.restart());
  await cluster.waitForMetaLeader();

  expect(ledger.failed.size, "publishes that failed after every retry").toBe(0);
  const streamLeader = (await leaderOf(stream, cluster.node.bind(cluster))).name;
  // An R3 stream promises every acked message on a quorum. The restarted replicas should catch
  // up too; nats-server 2.9.10 sometimes leaves one a few dozen messages behind for a long
  // time, so after a generous wait only the quorum is asserted and the lag is recorded.
  const replicas: Record<string, number | undefined> = {};
  const allCaughtUp = await waitUntil(
    "every replica holds every message",
    async () => {
      for (const node of cluster.nodes) replicas[node.name] = await replicaMessages(node, STREAM);
      return Object.values(replicas).every((count) => count === EXPECTED);
    },
    { timeoutMs: 20_000, intervalMs: 250 },
  ).catch(() => false);
  const complete = Object.values(replicas).filter((count) => count === EXPECTED);
  expect(
    complete.length,
    `replicas holding every message: ${JSON.stringify(replicas)}, stream leader ${streamLeader}`,
  ).toBeGreaterThanOrEqual(2);
  const stored = await eventually("the stream reads back", () => readStream(conn, STREAM), {
    timeoutMs: 60_000,
  });
  await waitUntil(
    "every stored message was processed",
    () => [...stored.ids.keys()].every((id) => processed.deliveries.has(id)),
    {
      timeoutMs: 60_000,
      intervalMs: 250,
      detail: () =>
        `${processed.processed} processed, consume ${workEnded}, statuses ${JSON.stringify(statuses)}`,
    },
  );
  await waitUntil(
    "the consumer has nothing pending",
    async () => {
      const info = await consumer.info();
      return info.num_pending === 0 && info.num_ack_pending === 0;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  // the consume rode out both failovers (missed heartbeats did not end it)
  expect(workEnded).toBe("running");
  await work.drain();
  await expect(work.closed).resolves.toBeUndefined();

  const counts = expectNothingLost(ledger, stored, processed, {
    crashes: [run1.crash, run2.crash],
  });
  expect(stored.messages).toBe(EXPECTED);

  recordFigures("leader-kill", {
    published: TOTAL + SECOND_TOTAL,
    ...counts,
    leaderKilled: first.name,
    publishPauseMs: run1.pauseMs,
    secondKilled: `${second.name} (consumer leader; stream leader ${streamLeaderInRun2})`,
    secondPublishPauseMs: run2.pauseMs,
    streamLeaderAtEnd: streamLeader,
    replicasCaughtUp: allCaughtUp,
    replicaMessages: replicas as Record<string, number>,
    restartFirstMs: restart1,
    restartSecondMs: restart2,
    retriesRun1: retries.at("run1"),
    retries: retries.total,
    retriesByCode: retries.byCode,
    retriesByReason,
    consumeErrors,
    missedHeartbeatsInARow: missedInARow,
    consumeStatuses: statuses,
    connectionEvents: events.length,
    run1Ms: run1.elapsedMs,
    run2Ms: run2.elapsedMs,
  });
});

/** The node that leads `stream` now (waits through an election). */
async function leaderOf(
  stream: Stream,
  node: (name: string) => NatsServer | undefined,
): Promise<NatsServer> {
  return eventually("the stream has a leader", async () => {
    const name = (await stream.info()).cluster?.leader;
    const leader = name === undefined ? undefined : node(name);
    if (leader === undefined) throw new Error("no leader yet");
    return leader;
  });
}

/**
 * Publishes `total` messages (ids `<run>-<i>`) with publishAsync, SIGKILLs `victim` when the
 * `killAt`-th is about to be sent, and waits for every ack. The pause is the longest time
 * without any ack from the kill on (acks already on their way still arrive just after it).
 */
async function publishWithKill(
  publisher: Publisher,
  ledger: PublishLedger,
  run: string,
  total: number,
  killAt: number,
  victim: NatsServer,
): Promise<{ crash: Crash; pauseMs: number; elapsedMs: number }> {
  const started = performance.now();
  let killedAt = 0;
  let kill: Promise<void> | undefined;
  for (let i = 0; i < total; i++) {
    if (i === killAt) {
      killedAt = performance.now();
      kill = victim.kill("SIGKILL");
    }
    ledger.track(
      await publisher.publishAsync(`leader.${i % 16}`, { run, i }, { msgID: `${run}-${i}` }),
    );
  }
  await kill;
  await publisher.complete();
  await ledger.settled();
  const ended = performance.now();
  return {
    // over once every publish of the run was acked (a new leader took over)
    crash: { at: killedAt, over: ended },
    pauseMs: Math.round(ledger.longestPauseAfter(killedAt, ended)),
    elapsedMs: Math.round(ended - started),
  };
}

async function timed(action: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await action();
  return Math.round(performance.now() - started);
}
