import { createConsumerManager } from "@helix/nats-consumer";
import { type ConnectionEventType, connect } from "@helix/nats-core";
import { createPublisher, createStreamManager } from "@helix/nats-stream";
import { startServer } from "@helix/nats-testing";
import { nanos } from "@nats-io/transport-node";
import { expect, it } from "vitest";
import { expectNothingLost } from "./delivery-guarantees.js";
import { recordFigures } from "./fault-figures.js";
import { ProcessLedger } from "./process-ledger.js";
import { PublishLedger } from "./publish-ledger.js";
import { RetryTally } from "./retry-tally.js";
import { watchStatus } from "./status-watch.js";
import { readStream } from "./stream-contents.js";
import { waitUntil } from "./wait-until.js";

const TOTAL = 5_000;
const KILL_AT = 2_000;
const STREAM = "FAULT_RESTART";

// kill -9 loses whatever the server had not handed to the kernel, and every connection: the
// client reconnects on its own to the same port once the server is back on its store; publishes
// that were in flight time out or fail over and are retried with their Nats-Msg-Id; the consume
// pulls again. Handled messages whose acks died with the server come back after the ack wait
// with a delivery count above 1, except those whose delivery the server had not yet written to
// its consumer store (nats-server 2.9.10 writes it lazily): after the restart it hands them out
// again with delivery count 1 (`crashes` allows that only across the kill; the figures count it).
it("a server killed (SIGKILL) and restarted on its store during publish and consume: the client reconnects, status goes 503 then 200, nothing acked is lost", async () => {
  await using server = await startServer();
  const events: ConnectionEventType[] = [];
  await using conn = await connect({
    addresses: [server.url],
    name: "faults-restart",
    reconnect: { waitMs: 250 },
    jetstream: { timeoutMs: 2_000 },
    onEvent: (event) => events.push(event.type),
  });
  await createStreamManager(conn).create({ name: STREAM, subjects: ["restart.>"] });
  const consumer = await createConsumerManager(conn).createOrUpdate(STREAM, {
    durable_name: "worker",
    ack_policy: "explicit",
    ack_wait: nanos(3_000),
  });

  const processed = new ProcessLedger();
  const consumeErrors: string[] = [];
  const work = consumer.consume(
    processed.wrap(() => {}),
    {
      concurrency: 4,
      expiresMs: 2_000,
      onError: (err) => consumeErrors.push(err.name),
    },
  );
  const status = watchStatus(conn);
  await waitUntil("status() reports 200", () => status.codes().includes(200));

  const retries = new RetryTally();
  const publisher = createPublisher(conn, {
    maxPending: 256,
    timeoutMs: 1_000,
    retry: { attempts: 40, initialDelayMs: 100, maxDelayMs: 1_000, onRetry: retries.onRetry },
  });
  const ledger = new PublishLedger();

  let killedAt = 0;
  let downMs = 0;
  const killThenRestart = async (): Promise<void> => {
    killedAt = performance.now();
    await server.kill("SIGKILL");
    // restart only once the client saw the outage, so the reconnect path really runs
    await waitUntil("status() reports 503", () => status.codes().includes(503));
    await server.restart();
    downMs = performance.now() - killedAt;
  };

  let fault: Promise<void> | undefined;
  for (let i = 0; i < TOTAL; i++) {
    if (i === KILL_AT) fault = killThenRestart();
    ledger.track(
      await publisher.publishAsync(`restart.${i % 8}`, { i }, { msgID: `restart-${i}` }),
    );
  }
  await fault;
  await publisher.complete();
  await ledger.settled();
  const publishPauseMs = ledger.longestPauseAfter(killedAt, performance.now());

  await waitUntil("status() reports 200 again", () => status.codes().lastIndexOf(200) > 1, {
    timeoutMs: 20_000,
  });
  const stored = await readStream(conn, STREAM);
  // the consume resumed by itself: every stored message is handled, and nothing stays pending
  await waitUntil(
    "every stored message was processed",
    () => [...stored.ids.keys()].every((id) => processed.deliveries.has(id)),
    { timeoutMs: 60_000 },
  );
  await waitUntil(
    "the consumer has nothing pending",
    async () => {
      const info = await consumer.info();
      return info.num_pending === 0 && info.num_ack_pending === 0;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  await status.stop();
  await work.drain();
  await expect(work.closed).resolves.toBeUndefined();

  const codes = status.codes();
  const outage = codes.indexOf(503);
  expect(codes[0], "status before the kill").toBe(200);
  expect(outage).toBeGreaterThan(0);
  expect(codes.indexOf(200, outage), "status after the restart").toBeGreaterThan(outage);
  expect(events).toContain("disconnect");
  expect(events).toContain("reconnect");
  expect(ledger.failed.size, "publishes that failed after every retry").toBe(0);
  const counts = expectNothingLost(ledger, stored, processed, {
    crashes: [{ at: killedAt, over: killedAt + downMs }],
  });
  expect(stored.messages).toBe(TOTAL);

  const unhealthy = status.changes.find((change) => change.code === 503);
  const healthy = status.changes.find((change, i) => i > 0 && change.code === 200);
  recordFigures("server-restart", {
    published: TOTAL,
    ...counts,
    downMs: Math.round(downMs),
    status503ForMs: Math.round((healthy?.at ?? 0) - (unhealthy?.at ?? 0)),
    publishPauseMs: Math.round(publishPauseMs),
    statusCodes: codes,
    retries: retries.total,
    retriesByCode: retries.byCode,
    consumeErrors: consumeErrors.length,
    events: events.length,
  });
});
