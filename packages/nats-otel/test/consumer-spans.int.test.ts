import { createConsumerManager } from "@helix/nats-consumer";
import { NotFoundError } from "@helix/nats-core";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { createStream, deleteStreams, onlySpan, until } from "./helpers.js";
import {
  expectChildOf,
  expectFailedWith,
  expectUnset,
  insideSpan,
  serverAttrs,
  sharedTraced,
  waitForSpan,
} from "./management-helpers.js";

const CLIENT = "otel-consumer-spans";

const shared = sharedTraced(CLIENT);
const streams: string[] = [];

afterEach(async () => {
  await deleteStreams(shared.conn, streams.splice(0));
});

async function newStream(): Promise<string> {
  const name = await createStream(shared.conn);
  streams.push(name);
  return name;
}

function consumerAttrs(
  kind: string,
  stream: string,
  consumer: string | undefined,
  ordered: boolean,
): Record<string, unknown> {
  return {
    "messaging.system": "nats",
    "messaging.operation.name": kind,
    "messaging.destination.name": stream,
    "messaging.nats.stream.name": stream,
    "messaging.nats.consumer.ordered": ordered,
    "messaging.client.id": CLIENT,
    ...(consumer === undefined ? {} : { "messaging.consumer.group.name": consumer }),
    ...serverAttrs(),
  };
}

function expectClientSpan(span: ReadableSpan, attrs: Record<string, unknown>): void {
  expect(span.kind).toBe(SpanKind.CLIENT);
  // Exact: no messaging.operation.type (management is not a messaging operation), nothing else.
  expect(span.attributes).toEqual(attrs);
  expectUnset(span);
}

describe("consumer management spans", () => {
  it("createOrUpdate, get, list and delete of a durable consumer, children of the active span", async () => {
    const stream = await newStream();
    const manager = createConsumerManager(shared.conn);
    const { outer } = await insideSpan(shared.sdk, async () => {
      await manager.createOrUpdate(stream, { durable_name: "billing" });
      // An update of the same consumer is a consumer.create call too.
      await manager.createOrUpdate(stream, { durable_name: "billing", description: "v2" });
      expect((await manager.get(stream, "billing")).name).toBe("billing");
      expect((await manager.list(stream)).map((c) => c.name)).toEqual(["billing"]);
      await manager.delete(stream, "billing");
    });

    const creates = shared.sdk.named(`consumer.create ${stream}`);
    expect(creates).toHaveLength(2);
    for (const span of creates) {
      expectClientSpan(span, consumerAttrs("consumer.create", stream, "billing", false));
    }
    expectClientSpan(
      onlySpan(shared.sdk, `consumer.get ${stream}`),
      consumerAttrs("consumer.get", stream, "billing", false),
    );
    expectClientSpan(
      onlySpan(shared.sdk, `consumer.list ${stream}`),
      consumerAttrs("consumer.list", stream, undefined, false),
    );
    expectClientSpan(
      onlySpan(shared.sdk, `consumer.delete ${stream}`),
      consumerAttrs("consumer.delete", stream, "billing", false),
    );
    const inner = shared.sdk.spans().filter((s) => s.name !== "outer");
    expect(inner).toHaveLength(5);
    for (const span of inner) expectChildOf(span, outer);
  });

  it("an ephemeral consumer's name is filled in after the call with the server's name", async () => {
    const stream = await newStream();
    const c = await createConsumerManager(shared.conn).createOrUpdate(stream, {});
    expect(c.name).not.toBe("");
    expectClientSpan(
      onlySpan(shared.sdk, `consumer.create ${stream}`),
      consumerAttrs("consumer.create", stream, c.name, false),
    );
  });

  it("ordered: messaging.nats.consumer.ordered is true and the group name is the server-given name", async () => {
    const stream = await newStream();
    const c = await createConsumerManager(shared.conn).ordered(stream, {
      filter_subjects: [`${stream}.a`],
    });
    expect(c.ordered).toBe(true);
    expect(c.name).not.toBe("");
    expectClientSpan(
      onlySpan(shared.sdk, `consumer.ordered ${stream}`),
      consumerAttrs("consumer.ordered", stream, c.name, true),
    );
  });

  it("get of a missing consumer: status ERROR, error.type NOT_FOUND, exception event", async () => {
    const stream = await newStream();
    const err = await createConsumerManager(shared.conn)
      .get(stream, "ghost")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ what: "consumer", resource: "ghost" });
    const span = onlySpan(shared.sdk, `consumer.get ${stream}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expectFailedWith(span, err, "NOT_FOUND");
    expect(span.attributes).toEqual({
      ...consumerAttrs("consumer.get", stream, "ghost", false),
      "error.type": "NOT_FOUND",
    });
  });

  it("delete of a missing consumer fails with NOT_FOUND", async () => {
    const stream = await newStream();
    const err = await createConsumerManager(shared.conn)
      .delete(stream, "ghost")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expectFailedWith(onlySpan(shared.sdk, `consumer.delete ${stream}`), err, "NOT_FOUND");
  });
});

describe("consumer.status", () => {
  it("a consumer deleted under a running consume: a consumer.status span with status ERROR", async () => {
    const stream = await newStream();
    const c = await createConsumerManager(shared.conn).createOrUpdate(stream, {
      durable_name: "doomed",
    });
    await shared.conn.jetstream.publish(`${stream}.a`, "1");
    let handled = 0;
    const errors: Error[] = [];
    // consume() is started inside an active span: the status loop runs in that context.
    const { outer, result: ctx } = await insideSpan(shared.sdk, async () =>
      c.consume(
        () => {
          handled++;
        },
        { expiresMs: 1_000, idleHeartbeatMs: 500, onError: (e) => errors.push(e) },
      ),
    );
    await until(() => handled === 1);
    // Deleted with the raw client: no consumer.delete span.
    await (await shared.conn.manager()).consumers.delete(stream, "doomed");
    const err = await ctx.closed.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ what: "consumer", resource: "doomed" });

    const span = await waitForSpan(shared.sdk, `consumer.status ${stream}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expectFailedWith(span, err, "NOT_FOUND");
    const status = span.attributes["messaging.nats.consumer.status"];
    expect(["consumer_deleted", "consumer_not_found"]).toContain(status);
    expect(span.attributes).toEqual({
      "messaging.system": "nats",
      "messaging.operation.name": "consumer.status",
      "messaging.destination.name": stream,
      "messaging.nats.stream.name": stream,
      "messaging.consumer.group.name": "doomed",
      "messaging.nats.consumer.status": status,
      "messaging.nats.consumer.status.ends": true,
      "messaging.client.id": CLIENT,
      "error.type": "NOT_FOUND",
      ...serverAttrs(),
    });
    expectChildOf(span, outer);
    expect(shared.sdk.named(`consumer.delete ${stream}`)).toEqual([]);
    // A notification, not a call: no metric point of any instrument.
    for (const metric of [
      "messaging.client.operation.duration",
      "messaging.process.duration",
      "messaging.client.sent.messages",
      "messaging.client.consumed.messages",
    ]) {
      const points = (await shared.sdk.metric(metric))?.dataPoints ?? [];
      expect(
        points.filter((p) => p.attributes["messaging.operation.name"] === "consumer.status"),
      ).toEqual([]);
    }
    // ...while the calls around it were measured.
    const duration = await shared.sdk.metric("messaging.client.operation.duration");
    expect(
      duration?.dataPoints.some(
        (p) => p.attributes["messaging.operation.name"] === "consumer.create",
      ),
    ).toBe(true);
  });
});
