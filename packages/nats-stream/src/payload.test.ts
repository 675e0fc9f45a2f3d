import { ValidationError } from "@helix/nats-core";
import { headers, type MsgHdrs } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { assertPayloadSize, encodedHeadersLength, encodePayload } from "./payload.js";

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

describe("encodePayload", () => {
  it("passes bytes through, encodes strings as UTF-8 and the rest as JSON", () => {
    const bytes = new Uint8Array([1, 2]);
    expect(encodePayload(bytes)).toEqual({ bytes, json: false });
    expect(encodePayload(Buffer.from("x")).json).toBe(false);
    expect(decode(encodePayload("é").bytes)).toBe("é");
    expect(encodePayload("é").json).toBe(false);
    expect(encodePayload(undefined)).toEqual({ bytes: new Uint8Array(0), json: false });
    const json = encodePayload({ a: [1, null], b: true });
    expect(json.json).toBe(true);
    expect(decode(json.bytes)).toBe('{"a":[1,null],"b":true}');
    expect(decode(encodePayload(null).bytes)).toBe("null");
    expect(decode(encodePayload(42).bytes)).toBe("42");
    expect(decode(encodePayload(new Date(0) as never).bytes)).toBe('"1970-01-01T00:00:00.000Z"');
  });

  it("accepts values typed by an interface (no index signature) and encodes them as JSON", () => {
    interface Order {
      id: number;
      item: string;
    }
    const order: Order = { id: 7, item: "tea" };
    const encoded = encodePayload(order);
    expect(encoded.json).toBe(true);
    expect(new TextDecoder().decode(encoded.bytes)).toBe('{"id":7,"item":"tea"}');
  });

  it("rejects what JSON cannot encode with ValidationError", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [cyclic, { n: 1n }, () => 1, Symbol("s")]) {
      expect(() => encodePayload(bad as never)).toThrow(ValidationError);
    }
  });
});

describe("encodePayload of binary data", () => {
  it("rejects binary data that is not a Uint8Array instead of sending it as JSON", () => {
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    for (const bad of [
      buffer,
      new DataView(buffer),
      new Float32Array([1, 2]),
      new Uint16Array([1]),
      new Uint8ClampedArray([1]),
      new SharedArrayBuffer(4),
    ]) {
      expect(() => encodePayload(bad as never), String(bad)).toThrow(
        /pass its bytes as a Uint8Array/,
      );
    }
    expect(() => encodePayload(buffer as never)).toThrow(ValidationError);
    const nodeBuffer = Buffer.from([1, 2]);
    expect(encodePayload(nodeBuffer).bytes).toBe(nodeBuffer);
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
