import type { ClientInfo, Operation } from "@helix/nats-core";
import { copyHeaders } from "@helix/nats-core";
import { type Attributes, SpanKind } from "@opentelemetry/api";
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

// The core NATS operations of @helix/nats-pubsub: how they are named and what they carry.

const client: ClientInfo = { name: "rpc", serverAddress: "127.0.0.1", serverPort: 4222 };
const payload = new Uint8Array(3);

const publish: Operation = {
  kind: "core.publish",
  client,
  subject: "_INBOX.abc.def",
  headers: copyHeaders(),
  payload,
  temporary: true,
};
const request: Operation = {
  kind: "core.request",
  client,
  subject: "pricing.quote",
  headers: copyHeaders(),
  payload,
  timeoutMs: 5000,
  attempt: 1,
};
const process: Operation = {
  kind: "core.process",
  client,
  mode: "reply",
  subscription: "pricing.*",
  queue: "pricing",
  message: { subject: "pricing.quote", reply: "_INBOX.x", headers: undefined, data: payload },
};

function shape(op: TracedOperation) {
  const naming = nameOperation(op, defaultDestination);
  return { name: spanName(naming), kind: naming.kind, type: naming.type };
}

describe("core NATS operations", () => {
  it("send PRODUCER for publish and request, process CONSUMER for handlers", () => {
    expect(shape(publish as TracedOperation)).toEqual({
      name: "send _INBOX",
      kind: SpanKind.PRODUCER,
      type: "send",
    });
    expect(shape(request as TracedOperation)).toEqual({
      name: "send pricing.quote",
      kind: SpanKind.PRODUCER,
      type: "send",
    });
    expect(shape(process as TracedOperation)).toEqual({
      name: "process pricing.quote",
      kind: SpanKind.CONSUMER,
      type: "process",
    });
  });

  it("the queue group is the consumer group; inbox sends are temporary", () => {
    expect(consumerOf(process as TracedOperation)).toBe("pricing");
    expect(consumerOf(request as TracedOperation)).toBeUndefined();
    const naming = nameOperation(process as TracedOperation, defaultDestination);
    expect(commonAttributes(naming, client, "pricing")).toEqual({
      "messaging.system": "nats",
      "messaging.operation.name": "process",
      "messaging.operation.type": "process",
      "messaging.destination.name": "pricing.quote",
      "messaging.consumer.group.name": "pricing",
      "server.address": "127.0.0.1",
      "server.port": 4222,
    });
    const sent: Attributes = {};
    addStartAttributes(sent, publish as TracedOperation, true);
    expect(sent).toEqual({
      "messaging.client.id": "rpc",
      "messaging.nats.subject": "_INBOX.abc.def",
      "messaging.destination.temporary": true,
      "messaging.message.body.size": 3,
    });
    const handled: Attributes = {};
    addStartAttributes(handled, process as TracedOperation, false);
    expect(handled).toEqual({
      "messaging.client.id": "rpc",
      "messaging.nats.subject": "pricing.quote",
      "messaging.nats.process.mode": "reply",
    });
  });
});
