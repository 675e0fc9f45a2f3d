import { ValidationError } from "@helix/nats-core";

/** A JSON-serialisable value. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined }
  | { toJSON(): unknown };

/**
 * What `publish` accepts: bytes as they are, a string as UTF-8, anything else as JSON
 * (sent with `Content-Type: application/json`). `undefined` is an empty payload.
 */
export type PublishData = Uint8Array | string | JsonValue | undefined;

/** A payload ready to send. */
export interface EncodedPayload {
  readonly bytes: Uint8Array;
  /** True when the value was encoded as JSON. */
  readonly json: boolean;
}

const EMPTY = new Uint8Array(0);
/** One encoder for every publish (stateless; `encode` allocates only the result). */
const encoder = new TextEncoder();

/** Encodes `data` as `publish` documents; throws `ValidationError` for a value JSON cannot encode. */
export function encodePayload(data: PublishData): EncodedPayload {
  if (data === undefined) return { bytes: EMPTY, json: false };
  if (data instanceof Uint8Array) return { bytes: data, json: false };
  if (typeof data === "string") return { bytes: encoder.encode(data), json: false };
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (err) {
    throw new ValidationError("data", `data cannot be encoded as JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (text === undefined) {
    throw new ValidationError(
      "data",
      `data of type ${typeof data} cannot be encoded as JSON; pass a Uint8Array, a string or a JSON value`,
    );
  }
  return { bytes: encoder.encode(text), json: true };
}

/** Throws `ValidationError` when the payload is larger than the server's `max_payload`. */
export function assertPayloadSize(bytes: Uint8Array, maxPayload: number | undefined): void {
  if (maxPayload !== undefined && maxPayload > 0 && bytes.length > maxPayload) {
    throw new ValidationError(
      "data",
      `payload is ${bytes.length} bytes; the server's max_payload is ${maxPayload} bytes`,
      { value: bytes.length },
    );
  }
}
