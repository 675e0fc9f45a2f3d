import {
  copyHeaders,
  deleteHeader,
  getHeader,
  setHeader,
  setHeaderIfAbsent,
  ValidationError,
} from "@helix/nats-core";
import { requireMessageTtl, TTL_HEADER, ttlHeaderValue } from "@helix/nats-core/internal";
import { PubHeaders } from "@nats-io/jetstream";
import { headers as createHeaders, type MsgHdrs, nuid } from "@nats-io/transport-node";
import { assertPayloadSize, encodeData } from "./payload.js";
import type { PublishData, PublishOptions } from "./types.js";
import { assertPublishArguments } from "./validation.js";

const CONTENT_TYPE = "Content-Type";
const JSON_TYPE = "application/json";

/** A validated message, ready to be wrapped in a `PublishOperation`. */
export interface PreparedMessage {
  readonly subject: string;
  readonly payload: Uint8Array;
  /** A fresh object: the caller's headers copied, plus the msg ID and expectations. */
  readonly headers: MsgHdrs;
  readonly msgID: string | undefined;
  /** The checked `ttlMs`, sent as `Nats-TTL`; `undefined` when none was given. */
  readonly ttlMs: number | "never" | undefined;
}

/**
 * Validates and encodes a publish before any I/O: subject, options, payload encoding, and the
 * size of payload plus headers.
 * The message ID is the caller's (option, else a `Nats-Msg-Id` header), or a fresh NUID when
 * `generateMsgID` is set (retries on). A `ttlMs` becomes the `Nats-TTL` header, and needs
 * `serverVersion` 2.11 or newer. Throws `ValidationError`, or `UnsupportedFeatureError`.
 */
export function prepareMessage(
  subject: string,
  data: PublishData,
  options: PublishOptions,
  settings: {
    maxPayload: number | undefined;
    generateMsgID: boolean;
    /** The version the server reports (`info.version`); gates `ttlMs`. */
    serverVersion?: string | undefined;
  },
): PreparedMessage {
  assertPublishArguments(subject, options);
  const ttlMs = options.ttlMs;
  // A closed client reports no version: let the stack refuse it as closed (`ConnectionError`).
  if (ttlMs !== undefined && settings.serverVersion !== undefined) {
    requireMessageTtl(settings.serverVersion);
  }
  const { bytes, json } = encodeData(data);
  let headers: MsgHdrs;
  let msgID: string | undefined;
  if (options.headers === undefined) {
    // The common case: fresh headers, names already canonical, nothing to look up or replace.
    headers = createHeaders();
    if (json) headers.append(CONTENT_TYPE, JSON_TYPE);
    msgID = options.msgID ?? (settings.generateMsgID ? nuid.next() : undefined);
    if (msgID !== undefined) headers.append(PubHeaders.MsgIdHdr, msgID);
  } else {
    headers = copyCallerHeaders(options.headers);
    if (json) setHeaderIfAbsent(headers, CONTENT_TYPE, JSON_TYPE);
    msgID =
      options.msgID ??
      getHeader(headers, PubHeaders.MsgIdHdr) ??
      (settings.generateMsgID ? nuid.next() : undefined);
    if (msgID !== undefined) setHeader(headers, PubHeaders.MsgIdHdr, msgID);
  }
  const expect = options.expect;
  if (expect?.stream !== undefined) setHeader(headers, PubHeaders.ExpectedStreamHdr, expect.stream);
  if (expect?.lastSequence !== undefined)
    setHeader(headers, PubHeaders.ExpectedLastSeqHdr, String(expect.lastSequence));
  if (expect?.lastSubjectSequence !== undefined) {
    setHeader(
      headers,
      PubHeaders.ExpectedLastSubjectSequenceHdr,
      String(expect.lastSubjectSequence),
    );
  }
  if (expect?.lastMsgID !== undefined)
    setHeader(headers, PubHeaders.ExpectedLastMsgIdHdr, expect.lastMsgID);
  if (ttlMs !== undefined) {
    // Exactly "Nats-TTL": the server looks header names up case-sensitively, and setHeader's
    // canonical form would be "Nats-Ttl", which it ignores.
    deleteHeader(headers, TTL_HEADER);
    headers.set(TTL_HEADER, ttlHeaderValue(ttlMs));
  }
  assertPayloadSize(bytes, settings.maxPayload, headers);
  return { subject, payload: bytes, headers, msgID, ttlMs };
}

/**
 * A fresh copy of the caller's headers. A bad name or value (the client refuses control
 * characters, white space and non-ASCII in names, CR/LF in values) is a `ValidationError`
 * naming it, not the client's own error.
 */
function copyCallerHeaders(init: PublishOptions["headers"]): MsgHdrs {
  if (init !== undefined && (typeof init !== "object" || init === null)) {
    throw new ValidationError("headers", "headers must be a MsgHdrs or a record of strings", {
      value: init,
    });
  }
  let headers: MsgHdrs;
  try {
    headers = copyHeaders(init);
  } catch (err) {
    throw new ValidationError("headers", `headers: ${(err as Error).message}`, { cause: err });
  }
  if (headers.has("")) {
    throw new ValidationError("headers", "headers: a header name must not be empty");
  }
  return withTraceHeadersAsGoReadsThem(headers);
}

/** The trace context headers, by lowercase name, in the casing a Go service reads. */
const TRACE_HEADERS: ReadonlyMap<string, string> = new Map([
  ["traceparent", "Traceparent"],
  ["tracestate", "Tracestate"],
  ["baggage", "Baggage"],
]);

/**
 * `headers` with `traceparent`, `tracestate` and `baggage` in any other casing renamed to
 * `Traceparent`, `Tracestate`, `Baggage`, in place in the order. A Go service reads them through
 * `http.Header`, whose lookups are canonical and case-sensitive: `traceparent` would be missed.
 * When one is set in several casings, the canonical one is kept, else the first. `headers` itself
 * is returned when nothing needs renaming (the common case).
 */
function withTraceHeadersAsGoReadsThem(headers: MsgHdrs): MsgHdrs {
  let rename = false;
  for (const [key] of headers) {
    const canonical = TRACE_HEADERS.get(key.toLowerCase());
    if (canonical !== undefined && canonical !== key) {
      rename = true;
      break;
    }
  }
  if (!rename) return headers;
  const out = createHeaders();
  for (const [key, values] of headers) {
    const canonical = TRACE_HEADERS.get(key.toLowerCase());
    if (canonical === undefined) {
      for (const value of values) out.append(key, value);
      continue;
    }
    if (out.has(canonical) || (key !== canonical && headers.has(canonical))) continue;
    for (const value of values) out.append(canonical, value);
  }
  return out;
}
