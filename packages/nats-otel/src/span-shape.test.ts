import type { ClientInfo, DeliveredMessage, Operation } from "@helix/nats-core";
import { copyHeaders } from "@helix/nats-core";
import { SpanKind } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { defaultDestination } from "./destination.js";
import {
  addStartAttributes,
  commonAttributes,
  consumerOf,
  nameOperation,
  spanName,
  type TracedOperation,
} from "./span-shape.js";

const client: ClientInfo = { name: "orders-api", serverAddress: "127.0.0.1", serverPort: 4222 };
const message: DeliveredMessage = {
  subject: "orders.created",
  headers: copyHeaders({ "Nats-Msg-Id": "m-1" }),
  data: new Uint8Array(5),
  info: {
    stream: "ORDERS",
    consumer: "billing",
    streamSequence: 7,
    deliverySequence: 9,
    deliveryCount: 2,
    pending: 0,
    timestampMs: 0,
  },
};

function shape(op: TracedOperation) {
  const naming = nameOperation(op, defaultDestination);
  return { name: spanName(naming), kind: naming.kind, type: naming.type };
}

describe("nameOperation", () => {
  it("messaging operations: name, type and kind", () => {
    const publish: Operation = {
      kind: "publish",
      client,
      subject: "orders.created",
      headers: copyHeaders(),
      payload: new Uint8Array(3),
      msgID: "m-1",
      async: false,
      attempt: 1,
    };
    expect(shape(publish)).toEqual({
      name: "send orders.created",
      kind: SpanKind.PRODUCER,
      type: "send",
    });
    expect(
      shape({
        kind: "receive",
        client,
        mode: "fetch",
        stream: "ORDERS",
        consumer: "billing",
        batch: 10,
      }),
    ).toEqual({ name: "receive ORDERS", kind: SpanKind.CLIENT, type: "receive" });
    expect(
      shape({ kind: "process", client, stream: "ORDERS", consumer: "billing", message }),
    ).toEqual({
      name: "process orders.created",
      kind: SpanKind.CONSUMER,
      type: "process",
    });
    expect(shape({ kind: "settle", client, action: "nak", message, delayMs: 500 })).toEqual({
      name: "nak orders.created",
      kind: SpanKind.CLIENT,
      type: "settle",
    });
  });

  it("management and KV: the kind as name, the stream or bucket as destination, no type", () => {
    expect(shape({ kind: "stream.create", client, stream: "ORDERS" })).toEqual({
      name: "stream.create ORDERS",
      kind: SpanKind.CLIENT,
      type: undefined,
    });
    expect(shape({ kind: "stream.list", client, stream: "" }).name).toBe("stream.list");
    expect(
      shape({
        kind: "consumer.ordered",
        client,
        stream: "ORDERS",
        consumer: undefined,
        ordered: true,
      }).name,
    ).toBe("consumer.ordered ORDERS");
    expect(shape({ kind: "kv.put", client, bucket: "config", key: "a" }).name).toBe(
      "kv.put config",
    );
    expect(shape({ kind: "kv.bucket.list", client, bucket: "" }).name).toBe("kv.bucket.list");
  });

  it("inbox subjects collapse in span names", () => {
    const settle: Operation = {
      kind: "settle",
      client,
      action: "ack",
      message: { ...message, subject: "_INBOX.x8f2.1" },
    };
    expect(shape(settle).name).toBe("ack _INBOX");
  });
});

describe("attributes", () => {
  it("common attributes are the low-cardinality set", () => {
    const naming = nameOperation(
      { kind: "process", client, stream: "ORDERS", consumer: "billing", message },
      defaultDestination,
    );
    expect(commonAttributes(naming, client, "billing")).toEqual({
      "messaging.system": "nats",
      "messaging.operation.name": "process",
      "messaging.operation.type": "process",
      "messaging.destination.name": "orders.created",
      "messaging.consumer.group.name": "billing",
      "server.address": "127.0.0.1",
      "server.port": 4222,
    });
  });

  it("while disconnected there is no server address", () => {
    const offline: ClientInfo = { name: "x", serverAddress: undefined, serverPort: undefined };
    const naming = nameOperation(
      { kind: "kv.get", client: offline, bucket: "b" },
      defaultDestination,
    );
    expect(commonAttributes(naming, offline, undefined)).toEqual({
      "messaging.system": "nats",
      "messaging.operation.name": "kv.get",
      "messaging.destination.name": "b",
    });
  });

  it("start attributes of a handled message", () => {
    const attrs = {};
    addStartAttributes(
      attrs,
      { kind: "process", client, stream: "ORDERS", consumer: "billing", message },
      true,
    );
    expect(attrs).toEqual({
      "messaging.client.id": "orders-api",
      "messaging.nats.subject": "orders.created",
      "messaging.nats.stream.name": "ORDERS",
      "messaging.nats.message.stream_sequence": 7,
      "messaging.nats.message.delivery_count": 2,
      "messaging.message.id": "m-1",
      "messaging.message.body.size": 5,
    });
  });

  it("start attributes of consumer.pause, consumer.unpin and a consumer.create that starts paused", () => {
    const base = { client, stream: "ORDERS", consumer: "billing", ordered: false } as const;
    const until = new Date("2030-01-02T03:04:05.678Z");
    const common = {
      "messaging.client.id": "orders-api",
      "messaging.nats.stream.name": "ORDERS",
      "messaging.nats.consumer.ordered": false,
    };
    const of = (op: TracedOperation) => {
      const attrs = {};
      addStartAttributes(attrs, op, false);
      return attrs;
    };
    expect(of({ kind: "consumer.pause", ...base, pauseUntil: until })).toEqual({
      ...common,
      "messaging.nats.consumer.pause_until": "2030-01-02T03:04:05.678Z",
    });
    expect(of({ kind: "consumer.create", ...base, pauseUntil: until })).toEqual({
      ...common,
      "messaging.nats.consumer.pause_until": "2030-01-02T03:04:05.678Z",
    });
    expect(of({ kind: "consumer.unpin", ...base, group: "jobs" })).toEqual({
      ...common,
      "messaging.nats.consumer.priority_group": "jobs",
    });
    expect(of({ kind: "consumer.resume", ...base })).toEqual(common);
    // an invalid date (toISOString would throw) is left out
    expect(of({ kind: "consumer.pause", ...base, pauseUntil: new Date(Number.NaN) })).toEqual(
      common,
    );
  });

  it("consumer of each kind", () => {
    expect(consumerOf({ kind: "settle", client, action: "ack", message })).toBe("billing");
    // A consumer the puller knows is used as it is: the reply subject is not parsed.
    const unparsed = {
      ...message,
      get info(): never {
        throw new Error("info parsed");
      },
    };
    expect(
      consumerOf({ kind: "settle", client, action: "ack", message: unparsed, consumer: "known" }),
    ).toBe("known");
    expect(
      consumerOf({ kind: "consumer.get", client, stream: "S", consumer: "c1", ordered: false }),
    ).toBe("c1");
    expect(consumerOf({ kind: "stream.get", client, stream: "S" })).toBeUndefined();
    expect(consumerOf({ kind: "kv.get", client, bucket: "b" })).toBeUndefined();
  });
});
