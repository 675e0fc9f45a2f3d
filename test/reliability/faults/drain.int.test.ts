import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createConsumerManager } from "@helix/nats-consumer";
import { connect } from "@helix/nats-core";
import { createPublisher, createStreamManager } from "@helix/nats-stream";
import { nanos } from "@nats-io/transport-node";
import { expect, inject, it } from "vitest";
import { expectNothingLost } from "./delivery-guarantees.js";
import { recordFigures } from "./fault-figures.js";
import { ProcessLedger } from "./process-ledger.js";
import { PublishLedger } from "./publish-ledger.js";
import { readStream } from "./stream-contents.js";
import { waitUntil } from "./wait-until.js";

const FIRST = 500;
const IN_FLIGHT = 2_000;
const HANDLER_MS = 20;
const ACK_WAIT_MS = 2_000;
const STREAM = `FAULT_DRAIN_${randomBytes(4).toString("hex")}`;

// conn.drain() while publishAsync acks are outstanding and handlers are running: the publisher
// and the consume registered with the connection's drain, so drain() waits for every ack, lets
// every running handler finish and ack (then flushes), and only then closes. A second
// connection then checks the server: every published message stored once, and no message a
// handler finished comes back (its ack reached the server before the close).
it("conn.drain() with publishes in flight and handlers running: every publish acked, every handler finished and acked, then closed", async () => {
  const url = inject("natsUrl");
  const conn = await connect({ addresses: [url], name: "faults-drain" });
  await createStreamManager(conn).create({ name: STREAM, subjects: [`${STREAM}.>`] });
  const consumer = await createConsumerManager(conn).createOrUpdate(STREAM, {
    durable_name: "worker",
    ack_policy: "explicit",
    ack_wait: nanos(ACK_WAIT_MS),
  });
  const publisher = createPublisher(conn, { maxPending: 4_000 });
  const published = new PublishLedger();
  for (let i = 0; i < FIRST; i++) {
    published.track(await publisher.publishAsync(`${STREAM}.a`, { i }, { msgID: `drain-${i}` }));
  }
  await publisher.complete();

  const firstRun = new ProcessLedger();
  const work = consumer.consume(
    firstRun.wrap(() => sleep(HANDLER_MS)),
    { concurrency: 8 },
  );
  await waitUntil("handlers are running", () => firstRun.running > 0 && firstRun.finished > 0);

  for (let i = FIRST; i < FIRST + IN_FLIGHT; i++) {
    published.track(await publisher.publishAsync(`${STREAM}.a`, { i }, { msgID: `drain-${i}` }));
  }
  const pendingAtDrain = publisher.pending;
  const runningAtDrain = firstRun.running;
  const drainStarted = performance.now();
  await conn.drain();
  const drainMs = performance.now() - drainStarted;

  expect(pendingAtDrain, "publishes awaiting their ack when drain() began").toBeGreaterThan(0);
  expect(runningAtDrain, "handlers running when drain() began").toBeGreaterThan(0);
  expect(conn.isClosed).toBe(true);
  expect((await conn.status()).code).toBe(503);
  await expect(work.closed).resolves.toBeUndefined();
  // every publish acked before the close, every handler that started also finished
  await published.settled();
  expect(published.failed.size).toBe(0);
  expect(published.acked.size).toBe(FIRST + IN_FLIGHT);
  expect(firstRun.running).toBe(0);
  expect(firstRun.finished).toBe(firstRun.started);

  // the server's view, from a fresh connection
  await using check = await connect({ addresses: [url], name: "faults-drain-check" });
  const stored = await readStream(check, STREAM);
  const counts = expectNothingLost(published, stored);
  expect(stored.messages).toBe(FIRST + IN_FLIGHT);
  // Messages buffered by the client but never handed out when drain() began are released (nak'ed
  // without delay) and come back at once; every message a handler finished was acked and must not.
  const secondRun = new ProcessLedger();
  const rest = (await createConsumerManager(check).get(STREAM, "worker")).consume(
    secondRun.wrap(() => {}),
    { concurrency: 8 },
  );
  await waitUntil(
    "every message was processed by one run or the other",
    () =>
      [...stored.ids.keys()].every(
        (id) => firstRun.deliveries.has(id) || secondRun.deliveries.has(id),
      ),
    { timeoutMs: 30_000 },
  );
  await rest.drain();
  const processedTwice = [...secondRun.deliveries.keys()].filter((id) =>
    firstRun.deliveries.has(id),
  );
  expect(processedTwice.slice(0, 5), "handled before drain, yet redelivered").toEqual([]);
  expect(firstRun.repeated()).toEqual([]);
  expect(secondRun.repeated()).toEqual([]);

  recordFigures("drain", {
    ...counts,
    pendingAtDrain,
    runningAtDrain,
    handledBeforeClose: firstRun.processed,
    handledAfterwards: secondRun.processed,
    redeliveredAfterDrain: processedTwice.length,
    drainMs: Math.round(drainMs),
  });
});
