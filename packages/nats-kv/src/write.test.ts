import type { KV } from "@nats-io/kv";
import { describe, expect, it } from "vitest";
import { PUT_HEADER_BYTES } from "./errors.js";
import { bucketInternals, writeHeaders } from "./write.js";

describe("writeHeaders", () => {
  const names = (h: ReturnType<typeof writeHeaders>) =>
    [...h].map(([name, [v]]) => `${name}: ${v}`);

  it("writes the client's headers in the client's order, then the message id", () => {
    expect(names(writeHeaders({ operation: "kv.put", key: "k" }, "id1"))).toEqual([
      "Nats-Msg-Id: id1",
    ]);
    expect(names(writeHeaders({ operation: "kv.update", key: "k", expect: 0 }, "id2"))).toEqual([
      "Nats-Expected-Last-Subject-Sequence: 0",
      "Nats-Msg-Id: id2",
    ]);
    expect(
      names(writeHeaders({ operation: "kv.delete", key: "k", marker: "DEL", expect: 3 }, "id3")),
    ).toEqual(["KV-Operation: DEL", "Nats-Expected-Last-Subject-Sequence: 3", "Nats-Msg-Id: id3"]);
    expect(
      names(writeHeaders({ operation: "kv.purge", key: "k", marker: "PURGE" }, "id4")),
    ).toEqual(["KV-Operation: PURGE", "Nats-Rollup: sub", "Nats-Msg-Id: id4"]);
  });

  it("sends a TTL as the client does: a value's after the revision check, a purge's after the rollup", () => {
    const create = { operation: "kv.create", key: "k", expect: 0, ttl: "5s" };
    expect(names(writeHeaders(create, "id5"))).toEqual([
      "Nats-Expected-Last-Subject-Sequence: 0",
      "Nats-TTL: 5s",
      "Nats-Msg-Id: id5",
    ]);
    expect(names(writeHeaders({ operation: "kv.put", key: "k", ttl: "never" }, "id6"))).toEqual([
      "Nats-TTL: never",
      "Nats-Msg-Id: id6",
    ]);
    const purge = {
      operation: "kv.purge",
      key: "k",
      marker: "PURGE",
      expect: 2,
      ttl: "1s",
    } as const;
    expect(names(writeHeaders(purge, "id7"))).toEqual([
      "KV-Operation: PURGE",
      "Nats-Rollup: sub",
      "Nats-TTL: 1s",
      "Nats-Expected-Last-Subject-Sequence: 2",
      "Nats-Msg-Id: id7",
    ]);
  });
});

describe("header bytes (which a bucket's max_value_size counts)", () => {
  const size = (h: ReturnType<typeof writeHeaders>) =>
    (h as unknown as { encode(): Uint8Array }).encode().length;

  it("a put's are PUT_HEADER_BYTES; a revision adds its own header", () => {
    const id = "A".repeat(22); // a nuid
    expect(size(writeHeaders({ operation: "kv.put", key: "k" }, id))).toBe(PUT_HEADER_BYTES);
    expect(PUT_HEADER_BYTES).toBe(49);
    expect(size(writeHeaders({ operation: "kv.update", key: "k", expect: 12345 }, id))).toBe(93);
  });
});

describe("bucketInternals", () => {
  it("refuses a bucket without the client's members (another client version)", () => {
    expect(() => bucketInternals({} as KV)).toThrow(
      "@helix/nats-kv: the @nats-io/kv bucket lacks the members it needs (3.4)",
    );
  });
});
