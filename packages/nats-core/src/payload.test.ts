import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors.js";
import { encodePayload, type NotAFunction, type Payload } from "./payload.js";

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

  it("refuses, at any depth, what JSON would silently write as {}: Map, Set, objects with private state", () => {
    class Account {
      #balance = 10;
      get balance() {
        return this.#balance;
      }
    }
    class Order {
      constructor(readonly id: number) {}
    }
    class Money {
      toJSON() {
        return "10 EUR";
      }
    }
    const cases: [unknown, string][] = [
      [
        new Map([["a", 1]]),
        "data is a Map, which JSON encodes as {} and so would lose its contents; convert it first, e.g. Object.fromEntries(map)",
      ],
      [
        new Set([1]),
        "data is a Set, which JSON encodes as {} and so would lose its contents; convert it first, e.g. [...set]",
      ],
      [
        { items: new Set([1]) },
        "data.items is a Set, which JSON encodes as {} and so would lose its contents; convert it first, e.g. [...set]",
      ],
      [
        [new Map()],
        "data.0 is a Map, which JSON encodes as {} and so would lose its contents; convert it first, e.g. Object.fromEntries(map)",
      ],
      [
        { account: new Account() },
        "data.account is a Account, which JSON encodes as {} and so would lose its contents; give it a toJSON() method or pass a plain object",
      ],
    ];
    for (const [value, message] of cases) {
      let err: unknown;
      try {
        encodePayload(value, "data");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ field: "data", message });
    }
    // A class with own fields, or a toJSON, has a JSON form.
    expect(text(encodePayload(new Order(7), "data").bytes)).toBe('{"id":7}');
    expect(text(encodePayload({ price: new Money() }, "data").bytes)).toBe('{"price":"10 EUR"}');
    expect(text(encodePayload(Object.create(null), "data").bytes)).toBe("{}");
    expect(text(encodePayload({}, "data").bytes)).toBe("{}");
  });

  it("NotAFunction refuses functions at compile time, and takes interfaces and literals", () => {
    const write = <T extends Payload>(data: NotAFunction<T>) => encodePayload(data, "data").json;
    interface Created {
      id: number;
    }
    const created: Created = { id: 1 };
    expect(write(created)).toBe(true);
    expect(write({ id: 2 })).toBe(true);
    expect(write("text")).toBe(false);
    // @ts-expect-error a function has no JSON form
    expect(() => write(() => 1)).toThrow(ValidationError);
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
