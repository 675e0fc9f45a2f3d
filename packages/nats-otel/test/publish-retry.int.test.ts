import { connect } from "@helix/nats-core";
import { createPublisher, createStreamManager } from "@helix/nats-stream";
import { startServer } from "@helix/nats-testing";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otel } from "../src/index.js";
import { createSdk, pointsWith, sdkOptions, useAsyncContext } from "./helpers.js";

beforeAll(() => useAsyncContext());
const sdk = createSdk();
afterAll(() => sdk.shutdown());

describe("a publishAsync retried while the server is frozen", () => {
  it("has one send span that lasts until the ack, with the attempts and the ack's sequence", async () => {
    // Closed in `finally` rather than with `await using`, whose SuppressedError would hide
    // which assertion failed.
    const server = await startServer({ jetstream: true });
    const conn = await connect({
      addresses: [server.url],
      name: "otel-retry",
      plugins: [otel(sdkOptions(sdk))],
    });
    try {
      await createStreamManager(conn).create({ name: "RETRIED", subjects: ["retried.>"] });
      sdk.reset();
      let resumed: Promise<void> | undefined;
      let thawAsked = 0;
      const publisher = createPublisher(conn, {
        timeoutMs: 500,
        retry: {
          attempts: 20,
          initialDelayMs: 100,
          maxDelayMs: 300,
          onRetry: () => {
            if (resumed !== undefined) return;
            thawAsked = Date.now();
            resumed = server.resume();
          },
        },
      });

      await server.pause();
      const future = await publisher.publishAsync("retried.order", { id: 1 }, { msgID: "r-1" });
      expect(sdk.named("send retried.order")).toEqual([]); // not ended at the send
      const ack = await future.ack;
      await resumed;

      const spans = sdk.named("send retried.order");
      expect(spans).toHaveLength(1);
      const [span] = spans;
      expect(span?.kind).toBe(SpanKind.PRODUCER);
      expect(span?.status.code).toBe(SpanStatusCode.UNSET);
      const attempts = span?.attributes["messaging.nats.publish.attempts"];
      expect(typeof attempts === "number" && attempts >= 2).toBe(true);
      expect(span?.attributes["messaging.nats.message.stream_sequence"]).toBe(ack.seq);
      expect(span?.attributes["messaging.nats.stream.name"]).toBe("RETRIED");
      expect(span?.attributes["messaging.message.id"]).toBe("r-1");
      // It ends after the thaw was asked for (the server could not ack before): the span covers the
      // time frozen, not just the first send. 2 ms of slack for the span clock's wall-clock anchor.
      const endMs = (span?.endTime[0] ?? 0) * 1000 + (span?.endTime[1] ?? 0) / 1e6;
      const startMs = (span?.startTime[0] ?? 0) * 1000 + (span?.startTime[1] ?? 0) / 1e6;
      expect(thawAsked).toBeGreaterThan(0);
      expect(endMs).toBeGreaterThanOrEqual(thawAsked - 2);
      // At least one attempt's 500 ms timeout (less a little: Node's timers run on a cached clock).
      expect(endMs - startMs).toBeGreaterThanOrEqual(480);

      // One message sent, not one per attempt.
      const sent = await sdk.metric("messaging.client.sent.messages");
      const points = pointsWith(sent, { "messaging.destination.name": "retried.order" });
      expect(points.map((p) => p.value)).toEqual([1]);
    } finally {
      await conn.close().catch(() => {});
      await server.stop();
    }
  });
});
