import {
  canonicalMIMEHeaderKey,
  headers as createHeaders,
  type MsgHdrs,
} from "@nats-io/transport-node";

/** Headers as a caller may give them: the client's `MsgHdrs`, or a plain record. */
export type HeadersInit = MsgHdrs | Record<string, string | readonly string[]>;

/**
 * Reads a header whatever its casing (`traceparent`, `Traceparent`, `TRACEPARENT`).
 * Returns the first value, or `undefined` when the header is absent (the client returns `""`).
 */
export function getHeader(h: MsgHdrs | undefined, name: string): string | undefined {
  if (h === undefined) return undefined;
  // One pass over the entries (the client's own lookups copy every key into a new array); an
  // exact match wins over one in another casing.
  const lower = name.toLowerCase();
  let other: string[] | undefined;
  for (const [key, values] of h) {
    if (key === name) return values[0];
    if (other === undefined && key.toLowerCase() === lower) other = values;
  }
  return other?.[0];
}

/** Every value of a header, whatever its casing. */
export function getHeaderValues(h: MsgHdrs | undefined, name: string): string[] {
  if (h === undefined) return [];
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (const [key, values] of h) if (key.toLowerCase() === lower) out.push(...values);
  return out;
}

/** True when the header is present in any casing. */
export function hasHeader(h: MsgHdrs | undefined, name: string): boolean {
  return h !== undefined && findKey(h, name) !== undefined;
}

/**
 * Sets a header under its canonical MIME casing (`traceparent` is written `Traceparent`, the
 * casing a Go service reads through `http.Header`), replacing it in any other casing.
 */
export function setHeader(h: MsgHdrs, name: string, value: string): void {
  deleteHeader(h, name);
  h.set(canonicalHeaderName(name), value);
}

/** Sets a header only when it is absent in every casing; returns whether it was written. */
export function setHeaderIfAbsent(h: MsgHdrs, name: string, value: string): boolean {
  if (findKey(h, name) !== undefined) return false;
  h.set(canonicalHeaderName(name), value);
  return true;
}

/** Removes a header in every casing. */
export function deleteHeader(h: MsgHdrs, name: string): void {
  const lower = name.toLowerCase();
  for (const key of h.keys()) if (key.toLowerCase() === lower) h.delete(key);
}

/** `traceparent` → `Traceparent`, `nats-msg-id` → `Nats-Msg-Id`. */
export function canonicalHeaderName(name: string): string {
  return canonicalMIMEHeaderKey(name);
}

/**
 * A fresh `MsgHdrs` holding a copy of `init` (keys and every value), so that writes never reach
 * the caller's object. `undefined` gives empty headers.
 */
export function copyHeaders(init?: HeadersInit): MsgHdrs {
  const out = createHeaders();
  if (init === undefined) return out;
  if (isMsgHdrs(init)) {
    for (const [key, values] of init) for (const v of values) out.append(key, v);
    return out;
  }
  for (const [key, value] of Object.entries(init)) {
    if (typeof value === "string") out.append(key, value);
    else for (const v of value) out.append(key, v);
  }
  return out;
}

function findKey(h: MsgHdrs, name: string): string | undefined {
  const lower = name.toLowerCase();
  let other: string | undefined;
  for (const [key] of h) {
    if (key === name) return key;
    if (other === undefined && key.toLowerCase() === lower) other = key;
  }
  return other;
}

function isMsgHdrs(value: HeadersInit): value is MsgHdrs {
  return (
    typeof (value as MsgHdrs).keys === "function" &&
    typeof (value as MsgHdrs).values === "function" &&
    typeof (value as MsgHdrs)[Symbol.iterator] === "function"
  );
}
