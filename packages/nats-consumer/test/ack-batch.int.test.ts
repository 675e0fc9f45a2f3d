import { Socket } from "node:net";
import { type Connection, connect } from "@helix/nats-core";
import { deferred } from "@helix/nats-testing/vitest";
import { AckPolicy } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Consumer, createConsumerManager } from "../src/index.js";
import { publish, setup, type TestContext } from "./helpers.js";

// Acks are coalesced: every `ack()` of one macrotask is written in one socket write at its end.
// `ack()` resolves once the ack is queued; other settles write the queued acks first (order);
// a consume's stop/drain and `conn.drain()` make sure the server has them; an abrupt
// `conn.close()` drops what was queued in that macrotask (redelivered after ack_wait).

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-ack-batch");
});
afterAll(() => t.close());

async function durable(conn: Connection, stream: string, ackWaitMs = 30_000): Promise<Consumer> {
  return createConsumerManager(conn).createOrUpdate(stream, {
    durable_name: "acker",
    ack_policy: AckPolicy.Explicit,
    ack_wait: ackWaitMs * 1_000_000,
  });
}

/** Records what the process writes to sockets: one entry per `write` call, as text. */
function recordWrites(): { writes: string[]; stop(): void } {
  const writes: string[] = [];
  const write = Socket.prototype.write;
  Socket.prototype.write = function (this: Socket, ...args: Parameters<Socket["write"]>) {
    const data = args[0];
    writes.push(typeof data === "string" ? data : Buffer.from(data as Uint8Array).toString());
    return write.apply(this, args);
  } as Socket["write"];
  return {
    writes,
    stop: () => {
      Socket.prototype.write = write;
    },
  };
}

/** The settles in written protocol text, in order: `[reply, stream sequence]`. */
function settles(text: string): [string, number][] {
  const out: [string, number][] = [];
  for (const m of text.matchAll(
    /PUB \$JS\.ACK\.[^.]+\.acker\.\d+\.(\d+)\.\S+ \d+\r\n([^\r]*)\r\n/g,
  )) {
    out.push([(m[2] as string).split(" ")[0] as string, Number(m[1])]);
  }
  return out;
}

/** The consumer's state as the server sees it, read on another connection. */
async function serverState(stream: string): Promise<{ ackFloor: number; ackPending: number }> {
  const other = await connect({ addresses: [inject("natsUrl")], name: "ack-batch-probe" });
  try {
    const info = await (await createConsumerManager(other).get(stream, "acker")).info();
    return { ackFloor: info.ack_floor.stream_seq, ackPending: info.num_ack_pending };
  } finally {
    await other.close();
  }
}

describe("ack coalescing", () => {
  it("writes the acks of one macrotask in one socket write, in the order they were made", async () => {
    const stream = await t.stream();
    const c = await durable(t.conn, stream);
    await publish(t.conn, `${stream}.a`, 20);
    const msgs = await c.fetch(20, { expiresMs: 5_000 });
    const rec = recordWrites();
    try {
      const acks = msgs.map((m) => m.ack());
      await Promise.all(acks);
      expect(rec.writes).toEqual([]); // queued: resolved before anything was written
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      rec.stop();
    }
    expect(rec.writes).toHaveLength(1);
    expect(settles(rec.writes[0] as string)).toEqual(
      Array.from({ length: 20 }, (_, i) => ["+ACK", i + 1]),
    );
    await t.conn.nats.flush();
    expect(await serverState(stream)).toEqual({ ackFloor: 20, ackPending: 0 });
  });

  it("writes the queued acks before a nak, term or working of the same connection", async () => {
    const stream = await t.stream();
    const c = await durable(t.conn, stream);
    await publish(t.conn, `${stream}.a`, 6);
    const msgs = await c.fetch(6, { expiresMs: 5_000 });
    const rec = recordWrites();
    try {
      void msgs[0]?.ack();
      void msgs[1]?.ack();
      await msgs[2]?.working();
      void msgs[3]?.ack();
      await msgs[4]?.term();
      void msgs[5]?.ack();
      await msgs[2]?.nak();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      rec.stop();
    }
    expect(settles(rec.writes.join(""))).toEqual([
      ["+ACK", 1],
      ["+ACK", 2],
      ["+WPI", 3],
      ["+ACK", 4],
      ["+TERM", 5],
      ["+ACK", 6],
      ["-NAK", 3],
    ]);
  });

  it("a consume's acks have reached the server once drain() resolves", async () => {
    const stream = await t.stream();
    const c = await durable(t.conn, stream);
    await publish(t.conn, `${stream}.a`, 50);
    let handled = 0;
    const all = deferred();
    const ctx = c.consume(() => {
      handled++;
      if (handled === 50) all.resolve();
    });
    await all.promise;
    await ctx.drain();
    expect(await serverState(stream)).toEqual({ ackFloor: 50, ackPending: 0 });
  });

  it("conn.drain() sends the acks queued just before it", async () => {
    const conn = await connect({ addresses: [inject("natsUrl")], name: "ack-batch-drain" });
    const stream = await t.stream();
    const c = await durable(conn, stream);
    await publish(conn, `${stream}.a`, 10);
    const msgs = await c.fetch(5, { expiresMs: 5_000 });
    for (const m of msgs) void m.ack();
    await conn.drain();
    // …and in a setImmediate callback, whose queued acks would otherwise wait for the next one.
    const other = await connect({ addresses: [inject("natsUrl")], name: "ack-batch-drain-2" });
    const rest = await (await durable(other, stream)).fetch(5, { expiresMs: 5_000 });
    await new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        for (const m of rest) void m.ack();
        other.drain().then(resolve, reject);
      });
    });
    expect(await serverState(stream)).toEqual({ ackFloor: 10, ackPending: 0 });
  });

  it("an abrupt close() drops the acks queued in its macrotask: the server redelivers them", async () => {
    const conn = await connect({ addresses: [inject("natsUrl")], name: "ack-batch-close" });
    const stream = await t.stream();
    const c = await durable(conn, stream, 1_000);
    await publish(conn, `${stream}.a`, 2);
    const msgs = await c.fetch(2, { expiresMs: 5_000 });
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on("unhandledRejection", onUnhandled);
    try {
      await msgs[0]?.ack(); // queued, resolved
      void msgs[1]?.ack();
      await conn.close();
      await new Promise((resolve) => setImmediate(resolve));
      const late = await msgs[1]?.ack().then(
        () => "resolved",
        (err: Error) => err.name,
      );
      expect(late).toBe("resolved"); // settled already: a second ack is a no-op
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
    const again = await (await durable(t.conn, stream, 1_000)).fetch(2, { expiresMs: 5_000 });
    expect(again.map((m) => [m.seq, m.info.deliveryCount])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    for (const m of again) await m.ack();
  });

  it("an ack on a closed connection resolves and is dropped, as the client did before batching", async () => {
    const conn = await connect({ addresses: [inject("natsUrl")], name: "ack-batch-closed" });
    const stream = await t.stream();
    const c = await durable(conn, stream, 1_000);
    await publish(conn, `${stream}.a`, 1);
    const [m] = await c.fetch(1, { expiresMs: 5_000 });
    await conn.close();
    // The client's protocol layer takes a reply on a closed connection without complaint.
    await expect(m?.ack()).resolves.toBeUndefined();
    expect(m?.settled).toBe(true);
    const [again] = await (await durable(t.conn, stream, 1_000)).fetch(1, { expiresMs: 5_000 });
    expect([again?.seq, again?.info.deliveryCount]).toEqual([1, 2]);
    await again?.ack();
  });
});
