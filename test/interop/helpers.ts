// Values and comparisons shared by the interop tests.

import { randomBytes } from "node:crypto";
import type { KeyValueEntry } from "@helix/nats-kv";
import type { SpanContext } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { type GoEntry, helixOperation, type Ids } from "./go-cli.js";

export function unique(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString("hex")}`;
}

export function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

/** Bytes that are not UTF-8 text (NUL, 0xFF, a lone continuation byte) plus non-ASCII UTF-8. */
export function awkwardBytes(): Uint8Array {
  return new Uint8Array([
    0x00,
    0xff,
    0x80,
    0xfe,
    ...new TextEncoder().encode(" héllo ✓ 日本 🚀 \r\n\t"),
    0x00,
    ...randomBytes(32),
  ]);
}

/** An entry as both sides are compared: Go's operation names mapped to helix's. */
export function fromGo(e: GoEntry) {
  return {
    key: e.key,
    revision: e.revision,
    operation: helixOperation[e.operation],
    value: e.value,
    createdMs: e.createdMs,
  };
}

export function fromHelix(e: KeyValueEntry) {
  return {
    key: e.key,
    revision: e.revision,
    operation: e.operation,
    value: b64(e.value),
    createdMs: e.created.getTime(),
  };
}

export function traceparent(ids: Ids): string {
  return `00-${ids.traceId}-${ids.spanId}-01`;
}

export function idsOf(span: ReadableSpan | SpanContext): Ids {
  const sc = "spanContext" in span ? span.spanContext() : span;
  return { traceId: sc.traceId, spanId: sc.spanId };
}
