import { ValidationError } from "./errors.js";

/**
 * What a helix-nats write accepts (a publish, a key-value value): a `Uint8Array` as it is, a
 * string as UTF-8, anything else as JSON. Any object type is accepted, interfaces included; what
 * JSON cannot encode is refused when encoded.
 */
export type Payload = Uint8Array | string | number | boolean | null | object;

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
    text = JSON.stringify(value);
  } catch (err) {
    throw new ValidationError(
      field,
      `${field} cannot be encoded as JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (text === undefined) throw new ValidationError(field, `${field} cannot be encoded as JSON`);
  return { bytes: encoder.encode(text), json: true };
}

function isSharedArrayBuffer(value: unknown): boolean {
  return typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer;
}
