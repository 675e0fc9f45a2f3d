import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors.js";
import { encodePayload } from "./payload.js";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const encodeValue = (value: unknown) => encodePayload(value, "value").bytes;

describe("encodePayload", () => {
  it("keeps bytes as they are", () => {
    const bytes = new Uint8Array([0, 255, 7]);
    expect(encodeValue(bytes)).toBe(bytes);
  });

  it("encodes strings as UTF-8, not as JSON", () => {
    expect(text(encodeValue("héllo"))).toBe("héllo");
    expect(encodeValue("").length).toBe(0);
  });

  it("says which values were encoded as JSON", () => {
    expect(encodePayload(new Uint8Array(1), "data").json).toBe(false);
    expect(encodePayload("x", "data").json).toBe(false);
    expect(encodePayload({ id: 1 }, "data").json).toBe(true);
  });

  it("names the field in its errors", () => {
    expect(() => encodePayload(undefined, "data")).toThrow(
      expect.objectContaining({
        field: "data",
        message: expect.stringMatching(/^data must not be undefined/),
      }),
    );
  });

  it("encodes everything else as JSON", () => {
    expect(text(encodeValue({ a: [1, "b"] }))).toBe('{"a":[1,"b"]}');
    expect(text(encodeValue(42))).toBe("42");
    expect(text(encodeValue(false))).toBe("false");
    expect(text(encodeValue(null))).toBe("null");
    expect(text(encodeValue(new Date(0)))).toBe('"1970-01-01T00:00:00.000Z"');
  });

  it("rejects what cannot be stored with ValidationError", () => {
    for (const bad of [undefined, () => 1, Symbol("s"), 1n, { toJSON: () => undefined }]) {
      expect(() => encodeValue(bad)).toThrow(ValidationError);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeValue(cyclic)).toThrow(/JSON/);
  });

  it("rejects binary data that is not a Uint8Array instead of storing it as JSON", () => {
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    for (const bad of [
      buffer,
      new DataView(buffer),
      new Float32Array([1, 2]),
      new Uint16Array([1]),
      new Uint8ClampedArray([1]),
      new SharedArrayBuffer(4),
    ]) {
      expect(() => encodeValue(bad), String(bad)).toThrow(/pass its bytes as a Uint8Array/);
    }
    expect(() => encodeValue(buffer)).toThrow(ValidationError);
    // a Node Buffer is a Uint8Array: kept as it is
    const nodeBuffer = Buffer.from([1, 2]);
    expect(encodeValue(nodeBuffer)).toBe(nodeBuffer);
  });
});
