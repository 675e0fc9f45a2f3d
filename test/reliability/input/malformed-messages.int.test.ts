import { randomBytes } from "node:crypto";
import { createConsumerManager, type Msg } from "@helix/nats-consumer";
import { type Connection, connect, DecodeError } from "@helix/nats-core";
import { otel } from "@helix/nats-otel";
import { createStreamManager } from "@helix/nats-stream";
import { until as untilStored } from "@helix/nats-testing/vitest";
import { SpanStatusCode } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createSdk,
  type Sdk,
  sdkOptions,
  until,
  useAsyncContext,
} from "../../../packages/nats-otel/test/helpers.js";
import { type RawMessage, rawPublish } from "./raw-publish.js";

/**
 * Messages the NATS client would never write, published as raw HPUB frames into a stream, then
 * consumed by helix with the otel plugin (so trace headers are parsed for every one).
 */
const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const TRACEPARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;

interface Case {
  name: string;
  headers?: string | Uint8Array;
  payload: string;
  /** The handler's `json()` fails for this one. */
  badJson?: boolean;
}

const CASES: Case[] = [
  { name: "good", headers: `NATS/1.0\r\nTraceparent: ${TRACEPARENT}\r\n\r\n`, payload: '{"n":1}' },
  { name: "no-colon", headers: "NATS/1.0\r\nthis line is not a header\r\n\r\n", payload: "{}" },
  { name: "huge", headers: `NATS/1.0\r\nX-Big: ${"h".repeat(60 * 1024)}\r\n\r\n`, payload: "{}" },
  {
    name: "many",
    headers: `NATS/1.0\r\n${Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${i}`).join("\r\n")}\r\n\r\n`,
    payload: "{}",
  },
  {
    name: "bad-traceparent",
    headers: "NATS/1.0\r\nTraceparent: zz-not-a-trace-!!\r\nTracestate: ,,,==,\r\n\r\n",
    payload: "{}",
  },
  {
    name: "zero-traceparent",
    headers: `NATS/1.0\r\nTraceparent: 00-${"0".repeat(32)}-${"0".repeat(16)}-01\r\n\r\n`,
    payload: "{}",
  },
  {
    name: "bad-baggage",
    headers: `NATS/1.0\r\nBaggage: ===;;,%%%,=,${"k=v,".repeat(4000)}\r\n\r\n`,
    payload: "{}",
  },
  {
    name: "binary-value",
    headers: Buffer.concat([
      Buffer.from("NATS/1.0\r\nX-Bin: "),
      Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3]),
      Buffer.from("\r\nBaggage: \u00ff\u00fe\r\n\r\n", "latin1"),
    ]),
    payload: "{}",
  },
  { name: "bad-status-line", headers: "HTTP/9.9 what\r\nA: b\r\n\r\n", payload: "{}" },
  { name: "status-code", headers: "NATS/1.0 503\r\n\r\n", payload: "{}" },
  { name: "empty-block", headers: "NATS/1.0\r\n\r\n", payload: "{}" },
  {
    name: "conflicting-case",
    headers: `NATS/1.0\r\ntraceparent: ${TRACEPARENT}\r\nTRACEPARENT: bogus\r\n\r\n`,
    payload: "{}",
  },
  { name: "not-json", headers: "NATS/1.0\r\nA: b\r\n\r\n", payload: "not json {", badJson: true },
  { name: "empty-payload", payload: "", badJson: true },
  { name: "binary-payload", payload: "\u0000\u00ff\u0001", badJson: true },
];

let sdk: Sdk;
let conn: Connection;
let stream: string;

beforeAll(async () => {
  useAsyncContext();
  sdk = createSdk();
  conn = await connect({
    addresses: [inject("natsUrl")],
    name: "malformed-messages",
    plugins: [otel(sdkOptions(sdk))],
  });
  stream = `MAL${randomBytes(4).toString("hex")}`;
  await createStreamManager(conn).create({ name: stream, subjects: [`${stream}.>`] });
  const raw: RawMessage[] = CASES.map((c) => ({
    subject: `${stream}.${c.name}`,
    ...(c.headers === undefined ? {} : { headers: c.headers }),
    payload: c.payload,
  }));
  await rawPublish(inject("natsUrl"), raw);
  // The server's PONG covers the raw publishes, not JetStream storing them: wait until it has.
  const jsm = await conn.manager();
  await untilStored(
    async () => (await jsm.streams.info(stream)).state.messages >= CASES.length,
    10_000,
    "the raw messages stored",
  ).catch(() => {}); // the first test below says how many were stored
});

afterAll(async () => {
  await createStreamManager(conn)
    .delete(stream)
    .catch(() => {});
  await conn?.close();
  await sdk?.shutdown();
});

/** The case a message was published as (its subject's last token). */
const caseOf = (msg: Msg): Case => {
  const name = msg.subject.slice(stream.length + 1);
  const found = CASES.find((c) => c.name === name);
  if (!found) throw new Error(`unexpected subject ${msg.subject}`);
  return found;
};

describe("malformed messages in a stream", () => {
  it("the server stored every raw message", async () => {
    const info = await (await conn.manager()).streams.info(stream);
    expect(info.state.messages).toBe(CASES.length);
  });

  it("consume handles every message; a json() failure is reported for that message only", async () => {
    const consumer = await createConsumerManager(conn).createOrUpdate(stream, {
      durable_name: "worker",
      ack_policy: "explicit",
    });
    const handled = new Map<number, string>();
    const errors: { seq: number | undefined; subject: string | undefined; error: Error }[] = [];
    const work = consumer.consume(
      (msg) => {
        handled.set(msg.seq, msg.subject);
        // Touch the headers the way user code does: every accessor must survive any block.
        for (const [key] of msg.headers ?? []) msg.headers?.get(key);
        msg.json();
      },
      {
        // A DecodeError is permanent: the message is term'ed with the reason, never redelivered.
        onError: (error, { msg }) => errors.push({ seq: msg?.seq, subject: msg?.subject, error }),
      },
    );
    await until(() => handled.size === CASES.length, 20_000);
    await work.drain();
    await expect(work.closed).resolves.toBeUndefined();

    const bad = CASES.filter((c) => c.badJson).map((c) => `${stream}.${c.name}`);
    expect(errors.map((e) => e.subject).sort()).toEqual([...bad].sort());
    for (const e of errors) {
      expect(e.seq).toBeGreaterThan(0);
      expect(handled.get(e.seq ?? -1)).toBe(e.subject);
      expect(e.error).toBeInstanceOf(DecodeError);
      expect((e.error as DecodeError).cause).toBeInstanceOf(SyntaxError);
    }

    // Every handler ran in a process span; failures are recorded on their own message's span.
    const process = sdk.spans().filter((s) => s.name.startsWith("process "));
    expect(process).toHaveLength(CASES.length);
    for (const span of process) {
      const seq = span.attributes["messaging.nats.message.stream_sequence"];
      const subject = handled.get(Number(seq));
      const failed = bad.includes(subject ?? "");
      expect(span.status.code, subject).toBe(failed ? SpanStatusCode.ERROR : SpanStatusCode.UNSET);
      if (failed) expect(span.events.map((e) => e.name)).toContain("exception");
    }
    // The valid traceparent was used; the invalid ones started fresh traces without failing.
    const good = process.find(
      (s) =>
        handled.get(Number(s.attributes["messaging.nats.message.stream_sequence"])) ===
        `${stream}.good`,
    );
    expect(good?.spanContext().traceId).toBe(TRACE_ID);
    const settles = sdk.spans().filter((s) => /^(ack|nak|term) /.test(s.name));
    expect(settles.filter((s) => s.name.startsWith("nak "))).toHaveLength(0);
    expect(settles.filter((s) => s.name.startsWith("term "))).toHaveLength(bad.length);
    expect(settles.filter((s) => s.name.startsWith("ack "))).toHaveLength(
      CASES.length - bad.length,
    );
  });

  it("fetch returns the whole batch, headers and links intact for the valid ones", async () => {
    const consumer = await createConsumerManager(conn).createOrUpdate(stream, {
      durable_name: "fetcher",
      ack_policy: "explicit",
    });
    sdk.reset();
    const msgs = await consumer.fetch(CASES.length, { expiresMs: 5_000 });
    expect(msgs.map((m) => caseOf(m).name)).toEqual(CASES.map((c) => c.name));
    for (const msg of msgs) {
      const c = caseOf(msg);
      if (c.badJson) expect(() => msg.json()).toThrow(DecodeError);
      else expect(msg.json()).toBeTypeOf("object");
      await msg.ack();
    }
    const huge = msgs.find((m) => caseOf(m).name === "huge");
    expect(huge?.headers?.get("X-Big")).toHaveLength(60 * 1024);
    const receive = sdk.spans().filter((s) => s.name.startsWith("receive "));
    expect(receive).toHaveLength(1);
    expect(receive[0]?.attributes["messaging.batch.message_count"]).toBe(CASES.length);
    const linkedTraces = receive[0]?.links.map((l) => l.context.traceId) ?? [];
    expect(linkedTraces).toContain(TRACE_ID);
    expect(linkedTraces.every((id) => /^[0-9a-f]{32}$/.test(id) && !/^0+$/.test(id))).toBe(true);
    expect((await conn.status()).code).toBe(200);
  });
});
