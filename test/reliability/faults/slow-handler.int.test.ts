import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { type Consumer, createConsumerManager, type Msg } from "@helix/nats-consumer";
import { connect } from "@helix/nats-core";
import { createPublisher, createStreamManager } from "@helix/nats-stream";
import { nanos } from "@nats-io/transport-node";
import { expect, inject, it } from "vitest";
import { recordFigures } from "./fault-figures.js";
import { ProcessLedger } from "./process-ledger.js";
import { waitUntil } from "./wait-until.js";

const ACK_WAIT_MS = 1_500;
/** A slow handler runs this long: well past the ack wait. */
const SLOW_MS = ACK_WAIT_MS * 2.5;
const MESSAGES = 3;
const STREAM = `FAULT_SLOW_${randomBytes(4).toString("hex")}`;

// A handler slower than the consumer's ack wait. One that reports progress with working() every
// third of the ack wait keeps the server's ack timer from expiring: each message is delivered
// once. One that stays silent has its message redelivered at every ack wait; the repeats reach
// the handler again, and the delivery count (and the server's delivered count) tells them apart.
it("a handler slower than the ack wait: with working() it is not redelivered; without, the redelivery shows in the delivery count", async () => {
  await using conn = await connect({ addresses: [inject("natsUrl")], name: "faults-slow" });
  await createStreamManager(conn).create({ name: STREAM, subjects: [`${STREAM}.>`] });
  const consumers = createConsumerManager(conn).forStream(STREAM);
  const config = (name: string) => ({
    durable_name: name,
    ack_policy: "explicit" as const,
    ack_wait: nanos(ACK_WAIT_MS),
    filter_subject: `${STREAM}.${name}`,
  });
  const steady = await consumers.createOrUpdate(config("steady"));
  const silent = await consumers.createOrUpdate(config("silent"));

  const publisher = createPublisher(conn);
  for (let i = 0; i < MESSAGES; i++) {
    await publisher.publish(`${STREAM}.steady`, { i }, { msgID: `steady-${i}` });
    await publisher.publish(`${STREAM}.silent`, { i }, { msgID: `silent-${i}` });
  }

  const workingCalls = { count: 0 };
  const steadyLedger = new ProcessLedger();
  const silentLedger = new ProcessLedger();
  const errors: Error[] = [];
  const options = { concurrency: MESSAGES, onError: (err: Error) => errors.push(err) };
  const started = performance.now();
  // slow every time, but says it is still working every third of the ack wait
  const steadyRun = steady.consume(
    steadyLedger.wrap(async (msg: Msg) => {
      for (let waited = 0; waited < SLOW_MS; waited += ACK_WAIT_MS / 3) {
        await msg.working();
        workingCalls.count++;
        await sleep(ACK_WAIT_MS / 3);
      }
    }),
    options,
  );
  // slow and silent on the first delivery only, so the redeliveries finish (the automatic
  // working() is turned off: it would keep these messages too)
  const silentRun = silent.consume(
    silentLedger.wrap(async (msg: Msg) => {
      if (msg.info.deliveryCount === 1) await sleep(SLOW_MS);
    }),
    { ...options, keepAlive: false },
  );

  await waitUntil("the steady consumer acked everything", () => settledAll(steady), {
    timeoutMs: 30_000,
    intervalMs: 200,
  });
  await waitUntil("the silent consumer acked everything", () => settledAll(silent), {
    timeoutMs: 30_000,
    intervalMs: 200,
  });
  const steadyMs = performance.now() - started;
  await steadyRun.drain();
  await silentRun.drain();
  expect(errors).toEqual([]);

  // working(): each message handled once, first delivery, and the server delivered it once
  expect(steadyLedger.processed).toBe(MESSAGES);
  expect(steadyLedger.processings).toBe(MESSAGES);
  expect(steadyLedger.maxDeliveryCount()).toBe(1);
  const steadyInfo = await steady.info();
  expect(steadyInfo.delivered.consumer_seq, "deliveries the server made").toBe(MESSAGES);
  expect(steadyInfo.num_redelivered).toBe(0);

  // silent: every message handled again, each repeat marked by a delivery count above 1
  expect(silentLedger.processed).toBe(MESSAGES);
  expect(silentLedger.repeated()).toHaveLength(MESSAGES);
  expect(silentLedger.repeatedAsFirstDelivery()).toEqual([]);
  expect(silentLedger.maxDeliveryCount()).toBeGreaterThan(1);
  const silentInfo = await silent.info();
  expect(silentInfo.delivered.consumer_seq).toBeGreaterThan(MESSAGES);
  expect(silentInfo.num_ack_pending).toBe(0);

  recordFigures("slow-handler", {
    ackWaitMs: ACK_WAIT_MS,
    handlerMs: SLOW_MS,
    messages: MESSAGES,
    workingCalls: workingCalls.count,
    steadyProcessings: steadyLedger.processings,
    steadyServerDeliveries: steadyInfo.delivered.consumer_seq,
    silentProcessings: silentLedger.processings,
    silentServerDeliveries: silentInfo.delivered.consumer_seq,
    silentMaxDeliveryCount: silentLedger.maxDeliveryCount(),
    elapsedMs: Math.round(steadyMs),
  });
});

/** Every message of the consumer was delivered and acked. */
async function settledAll(consumer: Consumer): Promise<boolean> {
  const info = await consumer.info();
  return info.num_pending === 0 && info.num_ack_pending === 0 && info.ack_floor.stream_seq > 0;
}
