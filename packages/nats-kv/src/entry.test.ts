import type { KvEntry } from "@nats-io/kv";
import { describe, expect, it } from "vitest";
import { isMarker, toEntry, toWatchEntry } from "./entry.js";

function raw(overrides: Partial<KvEntry> = {}): KvEntry {
  return {
    bucket: "b",
    key: "k",
    value: Buffer.from('{"a":1}'),
    created: new Date(1000),
    revision: 7,
    delta: 2,
    operation: "PUT",
    length: 7,
    rawKey: "k",
    json: () => null as never,
    string: () => "",
    ...overrides,
  } as KvEntry;
}

describe("entries", () => {
  it("copy the client's fields; the value is a plain Uint8Array over the same bytes", () => {
    const source = raw();
    const entry = toEntry("b", source);
    expect(entry).toMatchObject({ bucket: "b", key: "k", revision: 7, delta: 2, operation: "PUT" });
    expect(Object.getPrototypeOf(entry.value)).toBe(Uint8Array.prototype);
    expect(entry.value.buffer).toBe(source.value.buffer);
    expect(entry.string()).toBe('{"a":1}');
    expect(entry.json<{ a: number }>().a).toBe(1);
    expect(entry.created.getTime()).toBe(1000);
  });

  it("watch entries carry the computed flag, not the client's", () => {
    const entry = toWatchEntry("b", { ...raw(), isUpdate: true } as KvEntry, false);
    expect(entry.isUpdate).toBe(false);
  });

  it("delta defaults to 0 and markers are recognised", () => {
    expect(toEntry("b", raw({ delta: undefined })).delta).toBe(0);
    expect(isMarker({ operation: "DEL" })).toBe(true);
    expect(isMarker({ operation: "PURGE" })).toBe(true);
    expect(isMarker({ operation: "PUT" })).toBe(false);
  });
});
