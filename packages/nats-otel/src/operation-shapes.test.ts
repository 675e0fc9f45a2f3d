import type { ClientInfo, DeliveredMessage, ProcessOperation } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { metricKey, OperationShapes } from "./operation-shapes.js";
import { commonAttributes, nameOperation } from "./span-shape.js";

const client: ClientInfo = { name: "orders-api", serverAddress: "127.0.0.1", serverPort: 4222 };

function message(subject: string): DeliveredMessage {
  return {
    subject,
    headers: undefined,
    data: new Uint8Array(1),
    info: {
      stream: "ORDERS",
      consumer: "billing",
      streamSequence: 1,
      deliverySequence: 1,
      deliveryCount: 1,
      pending: 0,
      timestampMs: 0,
    },
  };
}

function process(subject: string, c: ClientInfo = client): ProcessOperation {
  return {
    kind: "process",
    client: c,
    stream: "ORDERS",
    consumer: "billing",
    message: message(subject),
  };
}

describe("OperationShapes", () => {
  it("a shape holds what nameOperation and commonAttributes make, frozen", () => {
    const shapes = new OperationShapes((s) => s);
    const op = process("orders.created");
    const shape = shapes.of(op);
    const naming = nameOperation(op, (s) => s);
    expect(shape.naming).toEqual(naming);
    expect(shape.spanName).toBe("process orders.created");
    expect(shape.attributes).toEqual(commonAttributes(naming, client, "billing"));
    expect(Object.isFrozen(shape.attributes)).toBe(true);
    expect(shape.buildAttributes()).toBe(shape.attributes);
    expect(shape.metricKey).toBe(metricKey(naming, "billing", client, undefined));
  });

  it("reused while subject, consumer and server stay the same; the namer runs once per change", () => {
    const named: string[] = [];
    const shapes = new OperationShapes((s) => {
      named.push(s);
      return s.split(".")[0] ?? s;
    });
    const first = shapes.of(process("orders.1"));
    expect(shapes.of(process("orders.1"))).toBe(first);
    const second = shapes.of(process("orders.2"));
    expect(second).not.toBe(first);
    expect(second.naming.destination).toBe("orders");
    expect(named).toEqual(["orders.1", "orders.2"]);
    const moved = shapes.of(process("orders.2", { ...client, serverPort: 4223 }));
    expect(moved).not.toBe(second);
    expect(moved.attributes["server.port"]).toBe(4223);
  });

  it("each operation name keeps its own shape: process and ack of one message alternate freely", () => {
    const shapes = new OperationShapes((s) => s);
    const proc = process("orders.created");
    const ack = {
      kind: "settle" as const,
      client,
      action: "ack" as const,
      message: proc.message,
    };
    const p = shapes.of(proc);
    const a = shapes.of(ack);
    expect(shapes.of(proc)).toBe(p);
    expect(shapes.of(ack)).toBe(a);
    expect(a.spanName).toBe("ack orders.created");
  });
});
