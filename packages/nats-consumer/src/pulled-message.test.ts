import type { Msg as CoreMsg, NatsConnection } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { PulledJsMsg, parseAckSubject } from "./pulled-message.js";

const REPLY = "$JS.ACK.ORDERS.worker.2.17.5.1700000000123456789.9";

function fakeMsg(reply = REPLY): { msg: CoreMsg; sent: string[] } {
  const sent: string[] = [];
  const msg = {
    subject: "orders.new",
    reply,
    sid: 1,
    data: new TextEncoder().encode('{"a":1}'),
    headers: undefined,
    respond(data?: Uint8Array) {
      sent.push(new TextDecoder().decode(data));
      return true;
    },
    json: () => ({ a: 1 }),
    string: () => '{"a":1}',
  } as unknown as CoreMsg;
  return { msg, sent };
}

describe("parseAckSubject", () => {
  it("reads the old (domain-less) ack subject", () => {
    expect(parseAckSubject(REPLY)).toEqual({
      domain: "",
      account_hash: "",
      stream: "ORDERS",
      consumer: "worker",
      deliveryCount: 2,
      redelivered: true,
      streamSequence: 17,
      deliverySequence: 5,
      timestampNanos: Number.parseInt("1700000000123456789", 10),
      pending: 9,
    });
  });

  it("reads the new form with domain and account hash", () => {
    const info = parseAckSubject(
      "$JS.ACK.hub.ACCHASH.ORDERS.worker.1.3.3.1700000000000000000.0.tok",
    );
    expect(info).toMatchObject({
      domain: "hub",
      account_hash: "ACCHASH",
      stream: "ORDERS",
      streamSequence: 3,
    });
  });

  it("refuses a subject that is not a JetStream ack subject", () => {
    expect(() => parseAckSubject("_INBOX.abc")).toThrowError(/not a JetStream message/);
  });
});

describe("PulledJsMsg", () => {
  it("speaks the ack protocol and settles once", () => {
    const { msg, sent } = fakeMsg();
    const m = new PulledJsMsg({} as NatsConnection, msg, 5_000);
    expect(m.seq).toBe(17);
    expect(m.redelivered).toBe(true);
    expect(m.time.getTime()).toBe(1700000000123);
    m.working();
    m.nak(250);
    m.ack();
    expect(sent).toEqual(["+WPI", '-NAK {"delay":250000000}']);
  });

  it("sends term with and without a reason", () => {
    const a = fakeMsg();
    new PulledJsMsg({} as NatsConnection, a.msg, 5_000).term();
    const b = fakeMsg();
    new PulledJsMsg({} as NatsConnection, b.msg, 5_000).term("bad");
    expect([...a.sent, ...b.sent]).toEqual(["+TERM", "+TERM bad"]);
  });

  it("ackAck requests a confirmation once", async () => {
    const { msg } = fakeMsg();
    const requests: string[] = [];
    const nc = {
      request: async (subject: string) => {
        requests.push(subject);
        return {};
      },
    } as unknown as NatsConnection;
    const m = new PulledJsMsg(nc, msg, 5_000);
    await expect(m.ackAck()).resolves.toBe(true);
    await expect(m.ackAck()).resolves.toBe(false);
    expect(requests).toEqual([REPLY]);
  });
});
