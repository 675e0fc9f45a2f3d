import type { KvEntry } from "@nats-io/kv";
import { headers } from "@nats-io/transport-node";
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
    expect(isMarker(raw({ operation: "DEL" }))).toBe(true);
    expect(isMarker(raw({ operation: "PURGE" }))).toBe(true);
    expect(isMarker(raw({ operation: "PUT" }))).toBe(false);
  });

  it("reads the operation and the server's marker reason from the headers, as nats.go does", () => {
    const withHeaders = (values: Record<string, string>, where: "header" | "headers") => {
      const h = headers();
      for (const [k, v] of Object.entries(values)) h.set(k, v);
      // the client reports a Remove/Purge marker as a PUT: the headers decide
      return raw({ operation: "PUT", value: Buffer.alloc(0), sm: { [where]: h } } as never);
    };
    const kinds = (values: Record<string, string>) =>
      (["header", "headers"] as const).map((where) => {
        const entry = toEntry("b", withHeaders(values, where));
        return [entry.operation, entry.markerReason];
      });
    expect(kinds({})).toEqual([
      ["PUT", undefined],
      ["PUT", undefined],
    ]);
    expect(kinds({ "KV-Operation": "DEL" })).toEqual([
      ["DEL", undefined],
      ["DEL", undefined],
    ]);
    expect(kinds({ "KV-Operation": "PURGE", "Nats-TTL": "5s" })[0]).toEqual(["PURGE", undefined]);
    expect(kinds({ "Nats-Marker-Reason": "MaxAge", "Nats-TTL": "1s" })[1]).toEqual([
      "PURGE",
      "MaxAge",
    ]);
    expect(kinds({ "Nats-Marker-Reason": "Purge" })[0]).toEqual(["PURGE", "Purge"]);
    expect(kinds({ "Nats-Marker-Reason": "Remove" })[1]).toEqual(["DEL", "Remove"]);
    expect(kinds({ "Nats-Marker-Reason": "Later" })[0]).toEqual(["DEL", "Later"]);
    expect(isMarker(withHeaders({ "Nats-Marker-Reason": "Remove" }, "headers"))).toBe(true);
    expect(isMarker(withHeaders({}, "header"))).toBe(false);
  });
});
