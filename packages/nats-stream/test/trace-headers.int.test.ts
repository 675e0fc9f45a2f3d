import { headers } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { createPublisher } from "../src/index.js";
import { connectForFile, withStream } from "./helpers.js";

const connection = connectForFile("stream-int-trace-headers");

const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

/**
 * The header block of the message at `seq` exactly as the stream stored it (the JetStream API
 * returns it base64-encoded), split into lines: `NATS/1.0`, then `Name: value` per header.
 */
async function rawHeaderLines(stream: string, seq: number): Promise<string[]> {
  const reply = await connection().nats.request(
    `$JS.API.STREAM.MSG.GET.${stream}`,
    JSON.stringify({ seq }),
    { timeout: 5_000 },
  );
  const { message } = reply.json<{ message: { hdrs?: string } }>();
  const block = Buffer.from(message.hdrs ?? "", "base64").toString("utf8");
  return block.split("\r\n").filter((line) => line !== "");
}

describe("trace context headers", () => {
  it("sends a traceparent, tracestate or baggage the caller wrote in lowercase as Traceparent, Tracestate, Baggage", async () => {
    const conn = connection();
    await withStream(conn, "TRACE", async (_stream, name) => {
      const publisher = createPublisher(conn);
      const record = {
        traceparent: TRACEPARENT,
        tracestate: "vendor=opaque",
        baggage: "tenant=acme,region=eu",
        "x-custom": "kept",
      };
      const recordBefore = structuredClone(record);
      const ack = await publisher.publish(`${name}.record`, "r", { headers: record, msgID: "r1" });

      const hdrs = headers();
      hdrs.set("TRACEPARENT", TRACEPARENT);
      hdrs.set("BaGgAgE", "k=v");
      const future = await publisher.publishAsync(`${name}.msghdrs`, "h", {
        headers: hdrs,
        msgID: "h1",
      });
      const asyncAck = await future.ack;

      expect(await rawHeaderLines(name, ack.seq)).toEqual([
        "NATS/1.0",
        `Traceparent: ${TRACEPARENT}`,
        "Tracestate: vendor=opaque",
        "Baggage: tenant=acme,region=eu",
        "x-custom: kept",
        "Nats-Msg-Id: r1",
      ]);
      expect(await rawHeaderLines(name, asyncAck.seq)).toEqual([
        "NATS/1.0",
        `Traceparent: ${TRACEPARENT}`,
        "Baggage: k=v",
        "Nats-Msg-Id: h1",
      ]);
      // the caller's objects are untouched
      expect(record).toEqual(recordBefore);
      expect([...hdrs.keys()]).toEqual(["TRACEPARENT", "BaGgAgE"]);
      expect(hdrs.get("TRACEPARENT")).toBe(TRACEPARENT);
    });
  });

  it("keeps headers already written as Go reads them, and sends one value when both casings were set", async () => {
    const conn = connection();
    await withStream(conn, "TRACE2", async (_stream, name) => {
      const publisher = createPublisher(conn);
      const ack = await publisher.publish(`${name}.x`, "x", {
        msgID: "c1",
        headers: { Traceparent: TRACEPARENT, traceparent: "00-ignored-ignored-00" },
      });
      expect(await rawHeaderLines(name, ack.seq)).toEqual([
        "NATS/1.0",
        `Traceparent: ${TRACEPARENT}`,
        "Nats-Msg-Id: c1",
      ]);
    });
  });
});
