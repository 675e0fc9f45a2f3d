import { headers, type MsgHdrs } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { assertPayloadSize, encodeData, encodedHeadersLength } from "./payload.js";

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

describe("encodeData", () => {
  it("sends undefined as an empty payload and the rest as core's encodePayload does", () => {
    expect(encodeData(undefined)).toEqual({ bytes: new Uint8Array(0), json: false });
    const bytes = new Uint8Array([1, 2]);
    expect(encodeData(bytes)).toEqual({ bytes, json: false });
    const json = encodeData({ a: [1, null], b: true });
    expect(json.json).toBe(true);
    expect(decode(json.bytes)).toBe('{"a":[1,null],"b":true}');
    expect(() => encodeData(() => 1)).toThrow(expect.objectContaining({ field: "data" }));
  });

  it("accepts values typed by an interface (no index signature) and encodes them as JSON", () => {
    interface Order {
      id: number;
      item: string;
    }
    const order: Order = { id: 7, item: "tea" };
    const encoded = encodeData(order);
    expect(encoded.json).toBe(true);
    expect(decode(encoded.bytes)).toBe('{"id":7,"item":"tea"}');
  });
});

describe("assertPayloadSize", () => {
  it("accepts up to max_payload and rejects one byte more", () => {
    expect(() => assertPayloadSize(new Uint8Array(10), 10)).not.toThrow();
    expect(() => assertPayloadSize(new Uint8Array(11), 10)).toThrow(/11 bytes.*max_payload is 10/);
    expect(() => assertPayloadSize(new Uint8Array(11), undefined)).not.toThrow();
  });

  it("counts the encoded headers as the server does", () => {
    const h = headers();
    h.set("Nats-Msg-Id", "id-1");
    h.append("X-Multi", "välue 😀");
    h.append("X-Multi", "二");
    const headerBytes = encode(h).length;
    expect(encodedHeadersLength(h)).toBe(headerBytes);
    expect(encodedHeadersLength(headers())).toBe(encode(headers()).length);
    expect(() => assertPayloadSize(new Uint8Array(100 - headerBytes), 100, h)).not.toThrow();
    expect(() => assertPayloadSize(new Uint8Array(101 - headerBytes), 100, h)).toThrow(
      new RegExp(`${101 - headerBytes} bytes plus ${headerBytes} bytes of headers`),
    );
    expect(() => assertPayloadSize(new Uint8Array(100), 100, headers())).not.toThrow();
  });
});

/** The client's own encoding (not part of the public `MsgHdrs` type). */
function encode(h: MsgHdrs): Uint8Array {
  return (h as MsgHdrs & { encode(): Uint8Array }).encode();
}
