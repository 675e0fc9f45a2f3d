import { ValidationError } from "@helix/nats-core";

const encoder = new TextEncoder();

/**
 * What a key-value write accepts: bytes as they are, a string as UTF-8, anything else as JSON.
 * `undefined`, functions, symbols, values JSON cannot represent, and binary data other than a
 * `Uint8Array` (an `ArrayBuffer`, a `DataView`, another typed array) are rejected.
 */
export type KeyValueInput = Uint8Array | string | number | boolean | null | object;

/** Encodes a value for a write; throws `ValidationError` (before any I/O) when it cannot be stored. */
export function encodeValue(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return encoder.encode(value);
  // JSON would store an ArrayBuffer as "{}" and other typed arrays as index maps: ask for bytes
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || isSharedArrayBuffer(value)) {
    throw new ValidationError(
      "value",
      `value is a ${Object.prototype.toString.call(value).slice(8, -1)}: pass its bytes as a Uint8Array`,
    );
  }
  if (value === undefined || typeof value === "function" || typeof value === "symbol") {
    throw new ValidationError("value", `value must not be ${describe(value)}`, {
      value: describe(value),
    });
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    throw new ValidationError(
      "value",
      `value cannot be encoded as JSON: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (json === undefined) {
    throw new ValidationError("value", "value cannot be encoded as JSON");
  }
  return encoder.encode(json);
}

function isSharedArrayBuffer(value: unknown): boolean {
  return typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer;
}

function describe(value: unknown): string {
  return value === undefined ? "undefined" : `a ${typeof value}`;
}
