import { connect, getHeader } from "@helix/nats-core";
import { startServer } from "@helix/nats-testing";
import { until } from "@helix/nats-testing/vitest";
import { expect, it } from "vitest";
import { createPublisher, createStreamManager, type RetryReason } from "../src/index.js";

const BEFORE = 10;
const WHILE_DOWN = 20;

// kill -9 of the server: publishes handed to the client while it is disconnected sit in its
// outbound buffer, which the client empties at each dial attempt, so they never reach the server.
// The publisher re-sends every publish still awaiting its ack as soon as the client reconnects
// (same Nats-Msg-Id), instead of waiting for the ack timeout (5 s by default) to retry.
it("after a server kill -9 and restart, every publish awaiting its ack is re-sent on reconnect, with the default settings: each stored once", async () => {
  await using server = await startServer();
  const events: { type: string; at: number }[] = [];
  await using conn = await connect({
    addresses: [server.url],
    name: "stream-int-reconnect",
    onEvent: (event) => events.push({ type: event.type, at: performance.now() }),
  });
  const stream = await createStreamManager(conn).create({
    name: "RECONNECT",
    subjects: ["reconnect.>"],
  });
  const retries: { attempt: number; reason: RetryReason; code: string }[] = [];
  // the default publisher, observed
  const publisher = createPublisher(conn, {
    retry: {
      onRetry: (error, attempt, reason) => retries.push({ attempt, reason, code: error.code }),
    },
  });
  for (let i = 0; i < BEFORE; i++) {
    await publisher.publish("reconnect.x", `${i}`, { msgID: `before-${i}` });
  }

  await server.kill("SIGKILL");
  await until(() => events.some((e) => e.type === "disconnect"), 10_000, "the disconnect");
  const futures = [];
  for (let i = 0; i < WHILE_DOWN; i++) {
    futures.push(await publisher.publishAsync("reconnect.x", `down ${i}`, { msgID: `down-${i}` }));
  }
  const sync = publisher.publish("reconnect.x", "down sync", { msgID: "down-sync" });
  const sentAt = performance.now();
  await server.restart();
  const restartedAt = performance.now();
  const acks = await Promise.all([...futures.map((f) => f.ack), sync]);
  const ackedAt = performance.now();
  const reconnectAt = events.find((e) => e.type === "reconnect")?.at ?? Number.NaN;
  console.info(
    `reconnect: down for ${Math.round(restartedAt - sentAt)} ms after the sends; acked ${Math.round(ackedAt - restartedAt)} ms after the restart, ${Math.round(ackedAt - reconnectAt)} ms after the reconnect; retries`,
    retries.map((r) => `${r.attempt}:${r.reason}`).join(" "),
  );

  expect(acks).toHaveLength(WHILE_DOWN + 1);
  // every publish awaiting its ack was re-sent once, because of the reconnect (not on a timeout)
  const first = retries.filter((r) => r.attempt === 1);
  expect(first.map((r) => r.reason)).toEqual(Array(WHILE_DOWN + 1).fill("reconnect"));
  expect(first.map((r) => r.code)).toEqual(Array(WHILE_DOWN + 1).fill("CONNECTION_FAILED"));
  expect(retries.filter((r) => r.reason === "timeout")).toEqual([]);
  // and stored exactly once each, in one stream, with the acks' sequences
  const { state } = await stream.info();
  expect(state.messages).toBe(BEFORE + WHILE_DOWN + 1);
  const stored: string[] = [];
  for (let seq = 1; seq <= state.last_seq; seq++) {
    stored.push(getHeader((await stream.getMsg(seq))?.headers, "Nats-Msg-Id") ?? "");
  }
  expect(stored.slice(0, BEFORE)).toEqual(Array.from({ length: BEFORE }, (_, i) => `before-${i}`));
  expect(new Set(stored).size).toBe(stored.length);
  expect(new Set(stored.slice(BEFORE))).toEqual(
    new Set([...Array.from({ length: WHILE_DOWN }, (_, i) => `down-${i}`), "down-sync"]),
  );
  expect(new Set(acks.map((a) => a.seq)).size).toBe(WHILE_DOWN + 1);
  expect(await publisher.complete()).toEqual({
    acked: WHILE_DOWN,
    failed: 0,
    firstError: undefined,
  });
});
