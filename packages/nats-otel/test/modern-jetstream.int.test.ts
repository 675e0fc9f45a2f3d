import { randomUUID } from "node:crypto";
import { createConsumerManager } from "@helix/nats-consumer";
import type { Connection } from "@helix/nats-core";
import { versionAtLeast } from "@helix/nats-core/internal";
import { createPublisher, createStreamManager, type StreamCreateConfig } from "@helix/nats-stream";
import { type Attributes, context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { describe, expect, inject, it } from "vitest";
import { onlySpan, parentOf, pointsWith, sharedServer, until } from "./helpers.js";
import { ids, parseTraceparent, storedHeaders, tracedPerTest } from "./messaging-helpers.js";

/*
 * The attributes of the issue-18 features (nats-server 2.11+/2.12+): atomic batches, per-message
 * TTL, counters, scheduled messages, batch direct get, consumer pause and priority groups.
 */

const CLIENT = "otel-modern";
const version = inject("natsServerVersion");
const setup = tracedPerTest(CLIENT);

/** The attributes every consumer.* span of a durable `consumer` of `stream` carries. */
function consumerAttrs(kind: string, stream: string, consumer: string, extra: Attributes = {}) {
  return {
    "messaging.system": "nats",
    "messaging.operation.name": kind,
    "messaging.destination.name": stream,
    "messaging.consumer.group.name": consumer,
    "messaging.nats.stream.name": stream,
    "messaging.nats.consumer.ordered": false,
    "messaging.client.id": CLIENT,
    "server.address": sharedServer().address,
    "server.port": sharedServer().port,
    ...extra,
  };
}

/** A management span: CLIENT, status UNSET, exactly these attributes. */
function expectClientSpan(span: ReadableSpan, attrs: Attributes): void {
  expect(span.kind).toBe(SpanKind.CLIENT);
  expect(span.attributes).toEqual(attrs);
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
}

/** A fresh stream `name` with subjects `name.>` and the given flags, deleted by `close()`. */
async function streamWith(
  conn: Connection,
  config: Omit<StreamCreateConfig, "name" | "subjects">,
): Promise<{ name: string; close(): Promise<void> }> {
  const name = `M${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const streams = createStreamManager(conn);
  await streams.create({ name, subjects: [`${name}.>`], ...config });
  return { name, close: () => streams.delete(name) };
}

describe.runIf(versionAtLeast(version, "2.12.0"))("atomic batch spans (server 2.12+)", () => {
  it("one PRODUCER `send` span with the message count, linked to a `create` span per message whose context each message carries", async () => {
    const t = await setup();
    const s = await streamWith(t.conn, { allow_atomic: true });
    try {
      const subject = `${s.name}.orders`;
      t.sdk.reset();
      const tracer = t.sdk.tracerProvider.getTracer("test");
      const root = tracer.startSpan("root");
      const ack = await context.with(trace.setSpan(context.active(), root), () =>
        createPublisher(t.conn)
          .batch()
          .add(subject, 1, { msgID: "b-1" })
          .add(subject, 2)
          .add(subject, 3)
          .commit(),
      );
      root.end();

      const send = onlySpan(t.sdk, `send ${subject}`);
      expect(send.kind).toBe(SpanKind.PRODUCER);
      expect(send.attributes).toEqual({
        "messaging.system": "nats",
        "messaging.operation.name": "send",
        "messaging.operation.type": "send",
        "messaging.destination.name": subject,
        "messaging.client.id": CLIENT,
        "server.address": sharedServer().address,
        "server.port": sharedServer().port,
        "messaging.nats.subject": subject,
        "messaging.batch.message_count": 3,
        "messaging.nats.stream.name": s.name,
      });
      expect(send.status.code).toBe(SpanStatusCode.UNSET);
      expect(parentOf(send)?.spanId).toBe(root.spanContext().spanId);

      const creates = t.sdk.named(`create ${subject}`);
      expect(creates).toHaveLength(3);
      for (const create of creates) {
        expect(create.kind).toBe(SpanKind.PRODUCER);
        expect(parentOf(create)?.spanId).toBe(root.spanContext().spanId);
      }
      expect(creates[0]?.attributes).toEqual({
        "messaging.system": "nats",
        "messaging.operation.name": "create",
        "messaging.operation.type": "create",
        "messaging.destination.name": subject,
        "messaging.client.id": CLIENT,
        "messaging.nats.subject": subject,
        "messaging.message.id": "b-1",
      });
      // the send span links to each message's creation context, in order
      expect(send.links.map((l) => l.context.spanId)).toEqual(
        creates.map((c) => c.spanContext().spanId),
      );
      // each stored message carries its own create span's context
      for (let seq = 1; seq <= 3; seq++) {
        const h = await storedHeaders(t.conn, s.name, seq);
        expect(parseTraceparent(h.get("Traceparent"))).toEqual(ids(creates[seq - 1] as never));
      }
      expect(ack.count).toBe(3);

      // a consumer continues each message's own trace: its process span is the create span's child
      const c = await createConsumerManager(t.conn).createOrUpdate(s.name, {
        durable_name: "batch-reader",
      });
      const run = c.consume(() => {});
      try {
        await until(() => t.sdk.named(`process ${subject}`).length === 3);
      } finally {
        await run.drain();
      }
      const processes = t.sdk.named(`process ${subject}`);
      expect(processes.map((p) => parentOf(p)?.spanId)).toEqual(
        creates.map((c) => c.spanContext().spanId),
      );

      const sent = await t.sdk.metric("messaging.client.sent.messages");
      const points = pointsWith(sent, { "messaging.destination.name": subject });
      expect(points.map((p) => p.value)).toEqual([3]);
    } finally {
      await s.close();
    }
  });

  it("a batch over several subjects: span `send` without a destination; a caller's traceparent is linked, not replaced; a refused batch is an error", async () => {
    const t = await setup();
    const s = await streamWith(t.conn, { allow_atomic: true });
    try {
      t.sdk.reset();
      const callerTraceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
      await createPublisher(t.conn)
        .batch()
        .add(`${s.name}.a`, 1, { headers: { traceparent: callerTraceparent } })
        .add(`${s.name}.b`, 2)
        .commit();
      const send = onlySpan(t.sdk, "send");
      expect(send.attributes["messaging.destination.name"]).toBeUndefined();
      expect(send.attributes["messaging.nats.subject"]).toBeUndefined();
      expect(send.attributes["messaging.batch.message_count"]).toBe(2);
      const create = onlySpan(t.sdk, `create ${s.name}.b`);
      expect(send.links.map((l) => l.context.spanId)).toEqual([
        "b7ad6b7169203331",
        create.spanContext().spanId,
      ]);
      const first = await storedHeaders(t.conn, s.name, 1);
      expect(first.get("Traceparent")).toBe(callerTraceparent);

      t.sdk.reset();
      const refused = createPublisher(t.conn)
        .batch()
        .add(`${s.name}.a`, 1, { expect: { lastSequence: 99 } })
        .commit();
      await expect(refused).rejects.toMatchObject({ name: "BatchPublishError" });
      const failed = onlySpan(t.sdk, `send ${s.name}.a`);
      expect(failed.status.code).toBe(SpanStatusCode.ERROR);
      expect(failed.attributes["error.type"]).toBe("JETSTREAM_API");
    } finally {
      await s.close();
    }
  });
});

describe.runIf(versionAtLeast(version, "2.11.0"))(
  "per-message TTL on the send span (server 2.11+)",
  () => {
    it("messaging.nats.message.ttl is the Nats-TTL header sent: 5s, never; absent without ttlMs", async () => {
      const t = await setup();
      const s = await streamWith(t.conn, { allow_msg_ttl: true });
      try {
        const publisher = createPublisher(t.conn);
        t.sdk.reset();
        await publisher.publish(`${s.name}.five`, "x", { ttlMs: 5000 });
        await publisher.publish(`${s.name}.never`, "x", { ttlMs: "never" });
        await publisher.publish(`${s.name}.none`, "x");
        const five = onlySpan(t.sdk, `send ${s.name}.five`);
        expect(five.attributes["messaging.nats.message.ttl"]).toBe("5s");
        expect((await storedHeaders(t.conn, s.name, 1)).get("Nats-TTL")).toBe("5s");
        const never = onlySpan(t.sdk, `send ${s.name}.never`);
        expect(never.attributes["messaging.nats.message.ttl"]).toBe("never");
        const none = onlySpan(t.sdk, `send ${s.name}.none`);
        expect(Object.keys(none.attributes)).not.toContain("messaging.nats.message.ttl");
      } finally {
        await s.close();
      }
    });
  },
);

describe.runIf(versionAtLeast(version, "2.12.0"))(
  "counter increments on the send span (server 2.12+)",
  () => {
    it("messaging.nats.counter.increment at the start, messaging.nats.counter.value (the new total) at the end", async () => {
      const t = await setup();
      const s = await streamWith(t.conn, { allow_msg_counter: true });
      try {
        const publisher = createPublisher(t.conn);
        const subject = `${s.name}.hits`;
        t.sdk.reset();
        expect(await publisher.increment(subject, 5)).toBe(5n);
        expect(await publisher.increment(subject, -2n)).toBe(3n);
        const spans = t.sdk.named(`send ${subject}`);
        expect(
          spans.map((span) => [
            span.attributes["messaging.nats.counter.increment"],
            span.attributes["messaging.nats.counter.value"],
          ]),
        ).toEqual([
          ["5", "5"],
          ["-2", "3"],
        ]);
        expect(spans[1]?.attributes).toMatchObject({
          "messaging.operation.name": "send",
          "messaging.nats.stream.name": s.name,
          "messaging.nats.message.stream_sequence": 2,
        });
      } finally {
        await s.close();
      }
    });
  },
);

describe.runIf(versionAtLeast(version, "2.12.0"))(
  "scheduled messages on the send span (server 2.12+)",
  () => {
    it("messaging.nats.schedule is the Nats-Schedule sent, messaging.nats.schedule.target the target", async () => {
      const t = await setup();
      const s = await streamWith(t.conn, { allow_msg_schedules: true });
      try {
        const subject = `${s.name}.schedules.a`;
        const target = `${s.name}.out`;
        t.sdk.reset();
        const at = new Date(Date.now() + 3_600_000);
        const scheduled = await createPublisher(t.conn).schedule(subject, "x", { at, target });
        const span = onlySpan(t.sdk, `send ${subject}`);
        expect(span.attributes).toMatchObject({
          "messaging.operation.name": "send",
          "messaging.nats.subject": subject,
          "messaging.nats.schedule": `@at ${at.toISOString()}`,
          "messaging.nats.schedule.target": target,
          "messaging.nats.stream.name": s.name,
        });
        expect(await scheduled.cancel()).toBe(true);
        // the cancel is a traced stream.deleteMsg
        const cancel = onlySpan(t.sdk, `stream.deleteMsg ${s.name}`);
        expect(cancel.attributes["messaging.nats.message.stream_sequence"]).toBe(scheduled.seq);
      } finally {
        await s.close();
      }
    });
  },
);

describe.runIf(versionAtLeast(version, "2.11.0"))(
  "priority groups: the pinned id (server 2.11+)",
  () => {
    it("messaging.nats.consumer.pinned_id on the receive and settle spans of messages delivered to the pinned client", async () => {
      const t = await setup();
      const s = await streamWith(t.conn, {});
      try {
        const c = await createConsumerManager(t.conn).createOrUpdate(s.name, {
          durable_name: "pinned",
          priority_groups: ["jobs"],
          priority_policy: "pinned_client",
        });
        const publisher = createPublisher(t.conn);
        await publisher.publish(`${s.name}.a`, 1);
        await publisher.publish(`${s.name}.a`, 2);
        t.sdk.reset();
        const msgs = await c.fetch(2, { group: "jobs", expiresMs: 2_000 });
        expect(msgs).toHaveLength(2);
        for (const msg of msgs) await msg.ack();
        const pinned = (await c.info()).priorityGroups[0]?.pinnedClientId;
        expect(pinned).toMatch(/^\w+$/);
        const receive = onlySpan(t.sdk, `receive ${s.name}`);
        expect(receive.attributes["messaging.nats.consumer.pinned_id"]).toBe(pinned);
        const acks = t.sdk.named(`ack ${s.name}.a`);
        expect(acks.map((span) => span.attributes["messaging.nats.consumer.pinned_id"])).toEqual([
          pinned,
          pinned,
        ]);
      } finally {
        await s.close();
      }
    });

    it("messaging.nats.consumer.pinned_id on the process spans of a consume in the group", async () => {
      const t = await setup();
      const s = await streamWith(t.conn, {});
      try {
        const subject = `${s.name}.a`;
        const c = await createConsumerManager(t.conn).createOrUpdate(s.name, {
          durable_name: "pinned-consume",
          priority_groups: ["jobs"],
          priority_policy: "pinned_client",
        });
        const publisher = createPublisher(t.conn);
        await publisher.publish(subject, 1, { msgID: "p-1" });
        await publisher.publish(subject, 2, { msgID: "p-2" });
        t.sdk.reset();
        const run = c.consume(() => {}, { group: "jobs" });
        let pinned: string | undefined;
        try {
          await until(() => t.sdk.named(`process ${subject}`).length === 2);
          // read while the consume runs: it holds the pin
          pinned = (await c.info()).priorityGroups[0]?.pinnedClientId;
        } finally {
          await run.drain();
        }
        expect(pinned).toMatch(/^\w+$/);
        const processes = t.sdk.named(`process ${subject}`);
        expect(processes.map((span) => span.kind)).toEqual([SpanKind.CONSUMER, SpanKind.CONSUMER]);
        expect(processes.map((span) => span.attributes)).toEqual(
          [1, 2].map((seq) => ({
            "messaging.system": "nats",
            "messaging.operation.name": "process",
            "messaging.operation.type": "process",
            "messaging.destination.name": subject,
            "messaging.consumer.group.name": "pinned-consume",
            "messaging.client.id": CLIENT,
            "server.address": sharedServer().address,
            "server.port": sharedServer().port,
            "messaging.nats.subject": subject,
            "messaging.nats.stream.name": s.name,
            "messaging.nats.message.stream_sequence": seq,
            "messaging.nats.message.delivery_count": 1,
            "messaging.message.id": `p-${seq}`,
            "messaging.nats.consumer.pinned_id": pinned,
          })),
        );
      } finally {
        await s.close();
      }
    });

    it("consumer.unpin: a CLIENT span with messaging.nats.consumer.priority_group; the server pins the next pull anew", async () => {
      const t = await setup();
      const s = await streamWith(t.conn, {});
      try {
        const c = await createConsumerManager(t.conn).createOrUpdate(s.name, {
          durable_name: "unpinned",
          priority_groups: ["jobs"],
          priority_policy: "pinned_client",
        });
        await createPublisher(t.conn).publish(`${s.name}.a`, 1);
        const [msg] = await c.fetch(1, { group: "jobs", expiresMs: 2_000 });
        await msg?.ack();
        const before = (await c.info()).priorityGroups[0]?.pinnedClientId;
        expect(before).toMatch(/^\w+$/);
        t.sdk.reset();
        await c.unpin("jobs");
        expect((await c.info()).priorityGroups[0]?.pinnedClientId).toBeUndefined();
        expectClientSpan(
          onlySpan(t.sdk, `consumer.unpin ${s.name}`),
          consumerAttrs("consumer.unpin", s.name, "unpinned", {
            "messaging.nats.consumer.priority_group": "jobs",
          }),
        );
      } finally {
        await s.close();
      }
    });
  },
);

describe.runIf(versionAtLeast(version, "2.11.0"))(
  "consumer pause and resume (server 2.11+)",
  () => {
    it("consumer.create starting paused, consumer.pause and consumer.resume: CLIENT spans, messaging.nats.consumer.pause_until the ISO 8601 end of the pause", async () => {
      const t = await setup();
      const s = await streamWith(t.conn, {});
      try {
        const consumers = createConsumerManager(t.conn);
        const createdUntil = new Date(Date.now() + 3_600_000);
        const pauseUntil = new Date(Date.now() + 7_200_000);
        t.sdk.reset();
        const c = await consumers.createOrUpdate(s.name, {
          durable_name: "sleeper",
          pauseUntil: createdUntil,
        });
        const paused = await c.pause(pauseUntil);
        expect(paused.paused).toBe(true);
        expect(paused.pauseUntil?.getTime()).toBe(pauseUntil.getTime());
        const resumed = await c.resume();
        expect(resumed.paused).toBe(false);

        expectClientSpan(
          onlySpan(t.sdk, `consumer.create ${s.name}`),
          consumerAttrs("consumer.create", s.name, "sleeper", {
            "messaging.nats.consumer.pause_until": createdUntil.toISOString(),
          }),
        );
        expectClientSpan(
          onlySpan(t.sdk, `consumer.pause ${s.name}`),
          consumerAttrs("consumer.pause", s.name, "sleeper", {
            "messaging.nats.consumer.pause_until": pauseUntil.toISOString(),
          }),
        );
        // a resume has no end date
        expectClientSpan(
          onlySpan(t.sdk, `consumer.resume ${s.name}`),
          consumerAttrs("consumer.resume", s.name, "sleeper"),
        );
        expect(t.sdk.spans().map((span) => span.name)).toEqual([
          `consumer.create ${s.name}`,
          `consumer.pause ${s.name}`,
          `consumer.resume ${s.name}`,
        ]);
      } finally {
        await s.close();
      }
    });
  },
);

describe.runIf(versionAtLeast(version, "2.11.0"))("batch direct get (server 2.11+)", () => {
  it("stream.getBatch: a CLIENT span with the first sequence or the subject, and messaging.batch.message_count the messages returned", async () => {
    const t = await setup();
    const s = await streamWith(t.conn, { allow_direct: true });
    try {
      const publisher = createPublisher(t.conn);
      for (let i = 1; i <= 5; i++)
        await publisher.publish(`${s.name}.${i % 2 ? "odd" : "even"}`, i);
      const stream = await createStreamManager(t.conn).get(s.name);
      t.sdk.reset();
      expect((await stream.getBatch({ seq: 2, batch: 3 })).map((m) => m.seq)).toEqual([2, 3, 4]);
      const fromSeq = onlySpan(t.sdk, `stream.getBatch ${s.name}`);
      t.sdk.reset();
      const odd = await stream.getBatch({ subject: `${s.name}.odd` });
      expect(odd.map((m) => m.seq)).toEqual([1, 3, 5]);
      const onSubject = onlySpan(t.sdk, `stream.getBatch ${s.name}`);
      t.sdk.reset();
      expect(await stream.getBatch({ seq: 6 })).toEqual([]);
      const none = onlySpan(t.sdk, `stream.getBatch ${s.name}`);

      const attrs = (extra: Attributes) => ({
        "messaging.system": "nats",
        "messaging.operation.name": "stream.getBatch",
        "messaging.destination.name": s.name,
        "messaging.nats.stream.name": s.name,
        "messaging.client.id": CLIENT,
        "server.address": sharedServer().address,
        "server.port": sharedServer().port,
        ...extra,
      });
      expectClientSpan(
        fromSeq,
        attrs({
          "messaging.nats.message.stream_sequence": 2,
          "messaging.batch.message_count": 3,
        }),
      );
      expectClientSpan(
        onSubject,
        attrs({ "messaging.nats.subject": `${s.name}.odd`, "messaging.batch.message_count": 3 }),
      );
      // nothing at or after the sequence: a count of 0, not an error
      expectClientSpan(
        none,
        attrs({ "messaging.nats.message.stream_sequence": 6, "messaging.batch.message_count": 0 }),
      );
    } finally {
      await s.close();
    }
  });
});
