import { ValidationError } from "@helix/nats-core";

const encoder = new TextEncoder();

/**
 * What a key-value write accepts: bytes as they are, a string as UTF-8, anything else as JSON.
 * `undefined`, functions, symbols and values JSON cannot represent are rejected.
 */
export type KeyValueInput = Uint8Array | string | number | boolean | null | object;

/** Encodes a value for a write; throws `ValidationError` (before any I/O) when it cannot be stored. */
export function encodeValue(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return encoder.encode(value);
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

function describe(value: unknown): string {
  return value === undefined ? "undefined" : `a ${typeof value}`;
}
