import { ValidationError } from "@helix/nats-core";
import type { MsgHdrs } from "@nats-io/transport-node";

/**
 * What `publish` accepts: bytes as they are, a string as UTF-8, anything else as JSON
 * (sent with `Content-Type: application/json`; any object type, interfaces included, is accepted
 * and checked when encoded). `undefined` is an empty payload. Binary data
 * other than a `Uint8Array` (an `ArrayBuffer`, a `DataView`, another typed array) is rejected.
 */
export type PublishData = Uint8Array | string | number | boolean | null | object | undefined;

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
  // JSON would send an ArrayBuffer as "{}" and other typed arrays as index maps: ask for bytes
  if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer || isSharedArrayBuffer(data)) {
    throw new ValidationError(
      "data",
      `data is a ${Object.prototype.toString.call(data).slice(8, -1)}: pass its bytes as a Uint8Array`,
    );
  }
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

function isSharedArrayBuffer(value: unknown): boolean {
  return typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer;
}

/**
 * Throws `ValidationError` when the message is larger than the server's `max_payload`, which
 * counts the payload plus the encoded headers (the client refuses such a message after the
 * middleware has run; checking here keeps it a validation failure before any I/O).
 */
export function assertPayloadSize(
  bytes: Uint8Array,
  maxPayload: number | undefined,
  headers?: MsgHdrs,
): void {
  if (maxPayload === undefined || maxPayload <= 0) return;
  if (bytes.length > maxPayload) {
    throw new ValidationError(
      "data",
      `payload is ${bytes.length} bytes; the server's max_payload is ${maxPayload} bytes`,
      { value: bytes.length },
    );
  }
  const headerBytes = headers === undefined ? 0 : encodedHeadersLength(headers);
  if (bytes.length + headerBytes > maxPayload) {
    throw new ValidationError(
      "data",
      `payload is ${bytes.length} bytes plus ${headerBytes} bytes of headers; the server's max_payload is ${maxPayload} bytes`,
      { value: bytes.length + headerBytes },
    );
  }
}

/**
 * The size of `headers` as the client encodes them (`NATS/1.0`, `\r\nkey: value` per value,
 * `\r\n\r\n`; nothing at all when empty), counted without encoding anything.
 */
export function encodedHeadersLength(headers: MsgHdrs): number {
  let length = 0;
  for (const [key, values] of headers) {
    for (const value of values) length += 4 + utf8Length(key) + utf8Length(value);
  }
  return length === 0 ? 0 : length + 12;
}

function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      length += 1;
      continue;
    }
    // 3 bytes for one UTF-16 unit; a surrogate pair is 2 units and 4 bytes
    length += 2;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return length;
}
