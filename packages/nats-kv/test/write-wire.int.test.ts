import { uniqueName, until } from "@helix/nats-testing/vitest";
import { headers as createHeaders } from "@nats-io/transport-node";
import { describe, expect, inject, it } from "vitest";
import { kvSuite, spyOnWrites, type WireMessage } from "./helpers.js";

const url = inject("natsUrl");
const version = inject("natsServerVersion");

/** A message as compared across writers: its subject and headers, without the message id. */
function withoutMsgId(m: WireMessage): { subject: string; headers: Record<string, string> } {
  const { "Nats-Msg-Id": _id, ...headers } = m.headers;
  return { subject: m.subject, headers };
}

describe("key-value writes on the wire", () => {
  const suite = kvSuite(url);

  it("are the client's writes (subject, headers, order) plus one Nats-Msg-Id each", async () => {
    const helix = await suite.kvm.create({ bucket: uniqueName("wire"), history: 10 });
    const client = await suite.kvm.create({ bucket: uniqueName("wire"), history: 10 });
    const seen = {
      helix: await spyOnWrites(url, helix.bucket),
      client: await spyOnWrites(url, client.bucket),
    };

    // the same sequence of writes through helix and through the NATS client (revisions match)
    await helix.put("k", "1");
    await client.raw.put("k", "1");
    await helix.update("k", "2", 1);
    await client.raw.update("k", "2", 1);
    await helix.create("c", "3");
    await client.raw.create("c", "3");
    await helix.delete("k", { revision: 2 });
    await client.raw.delete("k", { previousSeq: 2 });
    await helix.delete("c");
    await client.raw.delete("c");
    await helix.purge("k", { revision: 4 });
    await client.raw.purge("k", { previousSeq: 4 });
    await helix.purge("c");
    await client.raw.purge("c");
    await helix.create("c", "again"); // over a purge marker: a second, revision-checked write
    await client.raw.create("c", "again");
    await until(() => seen.helix.seen.length === 9 && seen.client.seen.length === 9);

    const rename = (m: { subject: string; headers: Record<string, string> }) => ({
      ...m,
      subject: m.subject.replace(client.bucket, helix.bucket),
    });
    // (the client's create tries "no entry" first, is refused over the purge marker, then writes
    // over it; helix does the same: two messages for the last create)
    expect(seen.helix.seen.map(withoutMsgId)).toEqual(
      seen.client.seen.map(withoutMsgId).map(rename),
    );
    expect(seen.helix.seen.map(withoutMsgId)).toEqual([
      { subject: `$KV.${helix.bucket}.k`, headers: {} },
      { subject: `$KV.${helix.bucket}.k`, headers: { "Nats-Expected-Last-Subject-Sequence": "1" } },
      { subject: `$KV.${helix.bucket}.c`, headers: { "Nats-Expected-Last-Subject-Sequence": "0" } },
      {
        subject: `$KV.${helix.bucket}.k`,
        headers: { "KV-Operation": "DEL", "Nats-Expected-Last-Subject-Sequence": "2" },
      },
      { subject: `$KV.${helix.bucket}.c`, headers: { "KV-Operation": "DEL" } },
      {
        subject: `$KV.${helix.bucket}.k`,
        headers: {
          "KV-Operation": "PURGE",
          "Nats-Rollup": "sub",
          "Nats-Expected-Last-Subject-Sequence": "4",
        },
      },
      {
        subject: `$KV.${helix.bucket}.c`,
        headers: { "KV-Operation": "PURGE", "Nats-Rollup": "sub" },
      },
      { subject: `$KV.${helix.bucket}.c`, headers: { "Nats-Expected-Last-Subject-Sequence": "0" } },
      { subject: `$KV.${helix.bucket}.c`, headers: { "Nats-Expected-Last-Subject-Sequence": "7" } },
    ]);
    // header order as the client writes it
    expect(seen.helix.seen.map((m) => Object.keys(m.headers))).toEqual(
      seen.client.seen.map((m) => [...Object.keys(m.headers), "Nats-Msg-Id"]),
    );
    const ids = seen.helix.seen.map((m) => m.headers["Nats-Msg-Id"]);
    expect(new Set(ids).size).toBe(9);
    expect(ids.every((id) => /^[A-Za-z0-9]{22}$/.test(id ?? ""))).toBe(true);
    // and the buckets hold the same entries
    const [h, c] = await Promise.all([helix.history(">"), client.history(">")]);
    const view = (e: { key: string; revision: number; operation: string }) => [
      e.key,
      e.revision,
      e.operation,
    ];
    expect(h.map(view)).toEqual(c.map(view));
    await seen.helix.close();
    await seen.client.close();
  });
});

/**
 * What the server checks first when a write carries both a message id it has already stored and
 * an expected revision that this stored write has made stale: the reason helix-nats looks for
 * its own earlier attempt after "wrong last sequence" (see src/write.ts). Recorded for the two
 * releases the suite runs on; a standalone server (a clustered 2.15 checks the id first).
 */
const FIRST_CHECK: Record<string, "duplicate" | "wrong last sequence"> = {
  "2.9.10": "duplicate",
  "2.15.3": "wrong last sequence",
};

describe("the server's order of checks (a fact helix-nats handles)", () => {
  const suite = kvSuite(url);

  it.skipIf(FIRST_CHECK[version] === undefined)(
    `nats-server ${version} answers a repeated revision-checked write with: ${FIRST_CHECK[version]}`,
    async () => {
      const kv = await suite.kvm.create({ bucket: uniqueName("order") });
      await kv.put("k", "1");
      const send = () => {
        const h = createHeaders();
        h.set("Nats-Expected-Last-Subject-Sequence", "1");
        h.set("Nats-Msg-Id", "same-write");
        return suite.conn.jetstream.publish(`$KV.${kv.bucket}.k`, "2", { headers: h });
      };
      expect(await send()).toMatchObject({ seq: 2, duplicate: false });
      const again = await send().then(
        (ack) => ({ seq: ack.seq, duplicate: ack.duplicate }),
        (err: { code?: number; message?: string }) => ({ code: err.code, message: err.message }),
      );
      expect(again).toEqual(
        FIRST_CHECK[version] === "duplicate"
          ? { seq: 2, duplicate: true }
          : { code: 10071, message: "wrong last sequence: 2" },
      );
    },
  );
});
