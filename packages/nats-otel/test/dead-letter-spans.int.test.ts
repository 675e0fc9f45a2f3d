import { createDeadLetters, defaultDeadLetterStream } from "@helix/nats-consumer";
import { createPublisher } from "@helix/nats-stream";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { onlySpan, parentOf, pointsWith, sharedServer, until } from "./helpers.js";
import { durable, ids, tracedPerTest } from "./messaging-helpers.js";

const CLIENT = "otel-dead-letter";
const setup = tracedPerTest(CLIENT);

describe("dead-letter spans and metric", () => {
  it("`deadletter {dlq}` CLIENT span: child of the process span, linked to the message's send span, then the term; counted by reason", async () => {
    const t = await setup();
    const stream = await t.stream();
    const dlq = defaultDeadLetterStream(stream);
    const subject = `${stream}.orders`;
    const c = await durable(t.conn, stream, "worker");
    await createPublisher(t.conn).publish(subject, "not json", { msgID: "poison-1" });
    const send = onlySpan(t.sdk, `send ${subject}`);
    const run = c.consume((msg) => void msg.json(), { deadLetter: true, onError: () => {} });
    try {
      await until(() => t.sdk.named(`term ${subject}`).length === 1);
    } finally {
      await run.drain();
      const jsm = await t.conn.manager();
      await jsm.streams.delete(dlq).catch(() => {});
    }
    const process = onlySpan(t.sdk, `process ${subject}`);
    const span = onlySpan(t.sdk, `deadletter ${dlq}`);
    const term = onlySpan(t.sdk, `term ${subject}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toEqual({
      "messaging.system": "nats",
      "messaging.operation.name": "deadletter",
      "messaging.operation.type": "send",
      "messaging.destination.name": dlq,
      "messaging.consumer.group.name": "worker",
      "messaging.client.id": CLIENT,
      "server.address": sharedServer().address,
      "server.port": sharedServer().port,
      "messaging.nats.subject": subject,
      "messaging.nats.stream.name": stream,
      "messaging.nats.message.stream_sequence": 1,
      "messaging.nats.message.delivery_count": 1,
      "messaging.message.id": "poison-1",
      "messaging.nats.deadletter.reason": "permanent",
      "messaging.nats.deadletter.error_type": "DECODE",
      "messaging.nats.deadletter.sequence": 1,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(parentOf(span)?.spanId).toBe(process.spanContext().spanId);
    expect(
      span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })),
    ).toEqual([ids(send)]);
    // The term comes after the dead letter is stored, in the same process span.
    expect(parentOf(term)?.spanId).toBe(process.spanContext().spanId);
    expect(term.startTime[0] * 1e9 + term.startTime[1]).toBeGreaterThanOrEqual(
      span.endTime[0] * 1e9 + span.endTime[1],
    );

    const counted = await t.sdk.metric("messaging.nats.consumer.dead_lettered");
    expect(counted?.descriptor.unit).toBe("{message}");
    const points = pointsWith(counted, { "messaging.destination.name": dlq });
    expect(points.map((p) => [p.value, p.attributes])).toEqual([
      [
        1,
        {
          "messaging.system": "nats",
          "messaging.operation.name": "deadletter",
          "messaging.operation.type": "send",
          "messaging.destination.name": dlq,
          "messaging.consumer.group.name": "worker",
          "server.address": sharedServer().address,
          "server.port": sharedServer().port,
          "messaging.nats.deadletter.reason": "permanent",
        },
      ],
    ]);
  });

  it("replay: `deadletter.replay {dlq}` linked to the dead letter's trace, its publish a child with a new trace context", async () => {
    const t = await setup();
    const stream = await t.stream();
    const dlq = defaultDeadLetterStream(stream);
    const subject = `${stream}.orders`;
    const c = await durable(t.conn, stream, "worker", { max_deliver: 1 });
    await createPublisher(t.conn).publish(subject, { id: 7 }, { msgID: "o-7" });
    const send = onlySpan(t.sdk, `send ${subject}`);
    const run = c.consume(
      () => {
        throw new Error("down");
      },
      { deadLetter: true, onError: () => {} },
    );
    try {
      await until(() => t.sdk.named(`term ${subject}`).length === 1);
    } finally {
      await run.drain();
    }
    try {
      t.sdk.reset();
      const replayed = await createDeadLetters(t.conn, { stream: dlq }).replay(1);
      expect(replayed).toHaveLength(1);
      const list = onlySpan(t.sdk, `deadletter.list ${dlq}`);
      expect(list.attributes["messaging.batch.message_count"]).toBe(1);
      const replay = onlySpan(t.sdk, `deadletter.replay ${dlq}`);
      expect(replay.kind).toBe(SpanKind.CLIENT);
      expect([
        replay.attributes["messaging.nats.deadletter.sequence"],
        replay.attributes["messaging.batch.message_count"],
        replay.attributes["messaging.nats.subject"],
      ]).toEqual([1, 1, subject]);
      expect(replay.links.map((l) => l.context.traceId)).toEqual([send.spanContext().traceId]);
      const republish = t.sdk.named(`send ${subject}`);
      expect(republish).toHaveLength(1);
      expect(parentOf(republish[0]!)?.spanId).toBe(replay.spanContext().spanId);
      expect(republish[0]!.spanContext().traceId).not.toBe(send.spanContext().traceId);
    } finally {
      const jsm = await t.conn.manager();
      await jsm.streams.delete(dlq).catch(() => {});
    }
  });
});
