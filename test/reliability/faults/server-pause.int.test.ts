import { connect } from "@helix/nats-core";
import { createPublisher, createStreamManager } from "@helix/nats-stream";
import { startServer } from "@helix/nats-testing";
import { expect, it } from "vitest";
import { expectNothingLost } from "./delivery-guarantees.js";
import { recordFigures } from "./fault-figures.js";
import { PublishLedger } from "./publish-ledger.js";
import { RetryTally } from "./retry-tally.js";
import { readStream } from "./stream-contents.js";
import { waitUntil } from "./wait-until.js";

const TOTAL = 3_000;
const PAUSE_AT = 1_000;
/** How long the server stays frozen at least: several ack timeouts. */
const MIN_FROZEN_MS = 2_000;
const ACK_TIMEOUT_MS = 500;

// SIGSTOP keeps the server's sockets open but it answers nothing: acks of the messages in flight
// never come, so their futures time out and retry with the same Nats-Msg-Id. On SIGCONT the
// server reads the first attempts and the retries from its socket buffer; its duplicate window
// must then store each message ID once.
it("a server frozen (SIGSTOP/SIGCONT) during publishAsync: futures time out, retry and are each stored once", async () => {
  await using server = await startServer();
  await using conn = await connect({ addresses: [server.url], name: "faults-pause" });
  await createStreamManager(conn).create({ name: "FAULT_PAUSE", subjects: ["pause.>"] });

  const retries = new RetryTally();
  const publisher = createPublisher(conn, {
    maxPending: 256,
    timeoutMs: ACK_TIMEOUT_MS,
    retry: { attempts: 40, initialDelayMs: 100, maxDelayMs: 500, onRetry: retries.onRetry },
  });
  const ledger = new PublishLedger();

  let frozenMs = 0;
  let pausedAt = 0;
  const freezeThenThaw = async (): Promise<void> => {
    pausedAt = performance.now();
    await server.pause();
    // frozen until attempts timed out and were retried, and for a few ack timeouts at least
    await waitUntil("a timed-out publish was retried", () => retries.total > 0, {
      timeoutMs: 20_000,
    });
    await waitUntil(
      "the freeze lasted long enough",
      () => performance.now() - pausedAt >= MIN_FROZEN_MS,
    );
    retries.mark("frozen");
    await server.resume();
    frozenMs = performance.now() - pausedAt;
  };

  let fault: Promise<void> | undefined;
  const started = performance.now();
  for (let i = 0; i < TOTAL; i++) {
    if (i === PAUSE_AT) fault = freezeThenThaw();
    ledger.track(await publisher.publishAsync(`pause.${i % 8}`, { i }, { msgID: `pause-${i}` }));
  }
  await fault;
  const completion = await publisher.complete();
  await ledger.settled();
  const elapsedMs = performance.now() - started;

  expect(retries.total, "attempts that timed out and were retried").toBeGreaterThan(0);
  expect(retries.byCode.TIMEOUT ?? 0).toBeGreaterThan(0);
  expect(completion.failed).toBe(0);
  expect(ledger.failed.size).toBe(0);
  const stored = await readStream(conn, "FAULT_PAUSE");
  const counts = expectNothingLost(ledger, stored);
  expect(stored.messages).toBe(TOTAL);

  recordFigures("server-pause", {
    published: TOTAL,
    ...counts,
    frozenMs: Math.round(frozenMs),
    firstAckAfterThawMs: Math.round(ledger.firstAckAfter(pausedAt + frozenMs) ?? -1),
    publishPauseMs: Math.round(ledger.longestPauseAfter(pausedAt, performance.now())),
    retries: retries.total,
    retriesWhileFrozen: retries.at("frozen"),
    retriesByCode: retries.byCode,
    elapsedMs: Math.round(elapsedMs),
  });
});
