import { ValidationError } from "@helix/nats-core";
import { type EncodedPayload, encodePayload } from "@helix/nats-core/internal";
import type { MsgHdrs } from "@nats-io/transport-node";
import type { PublishData } from "./types.js";

const EMPTY: EncodedPayload = { bytes: new Uint8Array(0), json: false };

/** Encodes `data` for a publish; throws `ValidationError` (field `data`) for what cannot be sent. */
export function encodeData(data: PublishData): EncodedPayload {
  return data === undefined ? EMPTY : encodePayload(data, "data");
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
