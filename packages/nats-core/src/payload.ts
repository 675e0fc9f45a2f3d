import { ValidationError } from "./errors.js";

/**
 * What a helix-nats write accepts (a publish, a key-value value): a `Uint8Array` as it is, a
 * string as UTF-8, anything else as JSON. Any object type is accepted, interfaces included; what
 * JSON cannot encode (a function, a cycle, a BigInt) (a `Map`, a `Set`, an object with no JSON form) is
 * refused when encoded.
 */
export type Payload = Uint8Array | string | number | boolean | null | object;

/**
 * `T` when it can be a payload, `never` for a function type: a write's parameter typed
 * `NotAFunction<T>` (with `T extends Payload` inferred from the argument) refuses a function at
 * compile time, while interfaces and object literals pass.
 */
export type NotAFunction<T> = T & (T extends (...args: never[]) => unknown ? never : unknown);

/** A payload ready to send. */
export interface EncodedPayload {
  /** The bytes to send. */
  readonly bytes: Uint8Array;
  /** True when the value was encoded as JSON (a publish then says `Content-Type: application/json`). */
  readonly json: boolean;
}

/** One encoder for every write (stateless; `encode` allocates only the result). */
const encoder = new TextEncoder();

/**
 * Encodes a value for a write. Throws `ValidationError` (naming `field`) for `undefined`,
 * functions, symbols, values JSON cannot encode (cycles, BigInts), and binary data other than a
 * `Uint8Array` (an `ArrayBuffer`, a `DataView`, another typed array), which JSON would silently
 * turn into `{}` or an index map.
 */
export function encodePayload(value: unknown, field: string): EncodedPayload {
  if (value instanceof Uint8Array) return { bytes: value, json: false };
  if (typeof value === "string") return { bytes: encoder.encode(value), json: false };
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || isSharedArrayBuffer(value)) {
    const type = Object.prototype.toString.call(value).slice(8, -1);
    throw new ValidationError(field, `${field} is a ${type}: pass its bytes as a Uint8Array`);
  }
  if (value === undefined || typeof value === "function" || typeof value === "symbol") {
    const what = value === undefined ? "undefined" : `a ${typeof value}`;
    throw new ValidationError(
      field,
      `${field} must not be ${what}; pass a Uint8Array, a string or a JSON value`,
      { value: what },
    );
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value, refuseSilentLoss);
  } catch (err) {
    if (err instanceof NoJsonForm) {
      throw new ValidationError(field, `${field}${err.message}`, { value: err.kind });
    }
    throw new ValidationError(
      field,
      `${field} cannot be encoded as JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (text === undefined) throw new ValidationError(field, `${field} cannot be encoded as JSON`);
  return { bytes: encoder.encode(text), json: true };
}

/** A value JSON would encode as `{}` (or drop) although it holds data. */
class NoJsonForm extends Error {
  constructor(
    readonly kind: string,
    where: string,
  ) {
    super(
      `${where} is a ${kind}, which JSON encodes as {} and so would lose its contents; ` +
        (kind === "Map"
          ? "convert it first, e.g. Object.fromEntries(map)"
          : kind === "Set"
            ? "convert it first, e.g. [...set]"
            : "give it a toJSON() method or pass a plain object"),
    );
  }
}

const PLAIN = new Set<unknown>([Object.prototype, null, Array.prototype]);

/**
 * `JSON.stringify`'s replacer: refuses, at any depth, a `Map`, a `Set` and an object of a class
 * that has no `toJSON` and no own enumerable field (its state is private): JSON would write `{}`
 * and the data would be lost without a word. Plain objects, arrays and dates pass unchanged.
 */
function refuseSilentLoss(this: unknown, key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const proto = Object.getPrototypeOf(value);
  if (PLAIN.has(proto)) return value;
  const where = key === "" ? "" : `.${key}`;
  if (value instanceof Map) throw new NoJsonForm("Map", where);
  if (value instanceof Set) throw new NoJsonForm("Set", where);
  if (value instanceof WeakMap || value instanceof WeakSet) {
    throw new NoJsonForm(value instanceof WeakMap ? "WeakMap" : "WeakSet", where);
  }
  if (
    typeof (value as { toJSON?: unknown }).toJSON !== "function" &&
    Object.keys(value).length === 0
  ) {
    throw new NoJsonForm(proto?.constructor?.name || "class instance", where);
  }
  return value;
}

function isSharedArrayBuffer(value: unknown): boolean {
  return typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer;
}
