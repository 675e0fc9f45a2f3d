import {
  CancelledError,
  type Connection,
  connect,
  NotFoundError,
  ValidationError,
} from "@helix/nats-core";
import { ofKind, recordOperations, uniqueName } from "@helix/nats-testing/vitest";
import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPublisher, createStreamManager, isStream } from "../src/index.js";

const url = inject("natsUrl");
let conn: Connection;

beforeAll(async () => {
  conn = await connect({ addresses: [url], name: "stream-int-streams" });
});
afterAll(async () => {
  await conn?.drain();
});

const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe("stream manager", () => {
  it("creates, gets, updates, lists and deletes a stream; every call is a stream.* operation", async () => {
    const streams = createStreamManager(conn);
    const name = uniqueName("MGR");
    const ops = recordOperations(conn, `record-${name}`);
    try {
      const created = await streams.create({ name, subjects: [`${name}.>`], max_msgs: 100 });
      expect(isStream(created)).toBe(true);
      expect(created.name).toBe(name);
      expect(created.config.name).toBe(name);
      expect(created.config.subjects).toEqual([`${name}.>`]);
      expect(created.config.max_msgs).toBe(100);
      // the server filled its defaults into the returned config
      expect(created.config.retention).toBe("limits");

      // the same config again is a no-op; a different one under the same name is refused
      expect((await streams.create({ name, subjects: [`${name}.>`], max_msgs: 100 })).name).toBe(
        name,
      );
      await expect(streams.create({ name, subjects: [`${name}.other`] })).rejects.toMatchObject({
        code: "JETSTREAM_API",
        apiCode: 10058,
      });

      const got = await streams.get(name);
      expect(got.name).toBe(name);
      expect(got.config.subjects).toEqual([`${name}.>`]);
      expect(got.config.max_msgs).toBe(100);

      const updated = await streams.update({ name, max_msgs: 200, description: "updated" });
      expect(updated.config.max_msgs).toBe(200);
      expect(updated.config.description).toBe("updated");
      expect(updated.config.subjects).toEqual([`${name}.>`]);
      expect((await streams.get(name)).config.max_msgs).toBe(200);

      const listed = await streams.list();
      const mine = listed.find((s) => s.name === name);
      expect(mine?.name).toBe(name);
      expect(isStream(mine)).toBe(true);
      expect(mine?.config.max_msgs).toBe(200);
      const bySubject = await streams.list({ subject: `${name}.x` });
      expect(bySubject.map((s) => s.name)).toEqual([name]);

      await streams.delete(name);
      await expect(streams.get(name)).rejects.toBeInstanceOf(NotFoundError);
      expect(ops.map((op) => op.kind)).toEqual([
        "stream.create",
        "stream.create",
        "stream.create",
        "stream.get",
        "stream.update",
        "stream.get",
        "stream.list",
        "stream.list",
        "stream.delete",
        "stream.get",
      ]);
      for (const op of ofKind(ops, "stream.create")) expect(op.stream).toBe(name);
      expect(ofKind(ops, "stream.list")[1]?.subject).toBe(`${name}.x`);
      expect(ops.every((op) => op.client === conn.client)).toBe(true);
    } finally {
      conn.middleware.remove(`record-${name}`);
    }
  });

  it("reports a missing stream as NotFoundError naming it (get, update, delete, info)", async () => {
    const streams = createStreamManager(conn);
    const name = uniqueName("MISSING");
    const err = await streams.get(name).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).what).toBe("stream");
    expect((err as NotFoundError).resource).toBe(name);
    await expect(streams.update({ name, max_msgs: 1 })).rejects.toMatchObject({
      code: "NOT_FOUND",
      what: "stream",
      resource: name,
    });
    await expect(streams.delete(name)).rejects.toMatchObject({ code: "NOT_FOUND", what: "stream" });

    const handle = await streams.create({ name, subjects: [`${name}.*`] });
    await streams.delete(name);
    await expect(handle.info()).rejects.toMatchObject({ code: "NOT_FOUND", resource: name });
    await expect(handle.getMsg(1)).rejects.toMatchObject({ code: "NOT_FOUND", what: "stream" });
  });

  it("validates names, subjects and arguments before any I/O", async () => {
    const streams = createStreamManager(conn);
    const ops = recordOperations(conn, "record-validation");
    try {
      for (const bad of ["", "a.b", "a b", "a*", "a>", "a/b"]) {
        await expect(streams.create({ name: bad })).rejects.toBeInstanceOf(ValidationError);
        await expect(streams.get(bad)).rejects.toBeInstanceOf(ValidationError);
        await expect(streams.delete(bad)).rejects.toBeInstanceOf(ValidationError);
        await expect(streams.update({ name: bad })).rejects.toBeInstanceOf(ValidationError);
      }
      for (const subjects of [["a..b"], ["a b"], ["a.>.b"], [""], "a.b"]) {
        await expect(
          streams.create({ name: "OK", subjects: subjects as string[] }),
        ).rejects.toBeInstanceOf(ValidationError);
      }
      await expect(streams.list({ subject: "a..b" })).rejects.toBeInstanceOf(ValidationError);

      const name = uniqueName("VAL");
      conn.middleware.remove("record-validation");
      const stream = await streams.create({ name, subjects: [`${name}.*`] });
      conn.middleware.add(
        async (op, next) => {
          ops.push(op);
          return next();
        },
        { name: "record-validation" },
      );
      for (const seq of [0, -1, 1.5, Number.NaN]) {
        await expect(stream.getMsg(seq)).rejects.toBeInstanceOf(ValidationError);
        await expect(stream.deleteMsg(seq)).rejects.toBeInstanceOf(ValidationError);
        await expect(stream.secureDeleteMsg(seq)).rejects.toBeInstanceOf(ValidationError);
      }
      await expect(stream.getLastMsgForSubject("a..b")).rejects.toBeInstanceOf(ValidationError);
      await expect(stream.purge({ filter: "a b" })).rejects.toBeInstanceOf(ValidationError);
      await expect(stream.purge({ keep: -1 })).rejects.toBeInstanceOf(ValidationError);
      const both = await stream.purge({ keep: 1, seq: 2 }).catch((e: unknown) => e);
      expect(both).toBeInstanceOf(ValidationError);
      expect((both as Error).message).toMatch(/keep or seq/);
      // nothing reached the middleware stack, so nothing reached the server
      expect(ops).toEqual([]);
      await streams.delete(name);
    } finally {
      conn.middleware.remove("record-validation");
    }
  });
});

describe("stream handle", () => {
  it("gets messages by sequence and last by subject, with headers and time; null when absent", async () => {
    const streams = createStreamManager(conn);
    const name = uniqueName("MSGS");
    const stream = await streams.create({ name, subjects: [`${name}.>`] });
    const publisher = createPublisher(conn);
    const h = headers();
    h.set("X-Test", "yes");
    const before = Date.now() - 5_000;
    await publisher.publish(`${name}.a`, "one", { headers: h });
    await publisher.publish(`${name}.b`, "two", { msgID: "m2" });
    await publisher.publish(`${name}.a`, "three", { msgID: "m3" });

    const ops = recordOperations(conn, `record-${name}`);
    try {
      const first = await stream.getMsg(1);
      expect(first).not.toBeNull();
      expect(first?.subject).toBe(`${name}.a`);
      expect(first?.seq).toBe(1);
      expect(text(first?.data ?? new Uint8Array())).toBe("one");
      expect(first?.headers?.get("X-Test")).toBe("yes");
      expect(first?.time).toBeInstanceOf(Date);
      expect(first?.time.getTime()).toBeGreaterThan(before);

      const lastA = await stream.getLastMsgForSubject(`${name}.a`);
      expect(lastA?.seq).toBe(3);
      expect(text(lastA?.data ?? new Uint8Array())).toBe("three");
      expect(lastA?.headers?.get("Nats-Msg-Id")).toBe("m3");
      const lastB = await stream.getLastMsgForSubject(`${name}.b`);
      expect(lastB?.seq).toBe(2);

      expect(await stream.getMsg(99)).toBeNull();
      expect(await stream.getLastMsgForSubject(`${name}.nothing`)).toBeNull();

      // with a subject: the first message at or after the sequence on it (Go WithGetMsgSubject)
      expect((await stream.getMsg(1, { subject: `${name}.b` }))?.seq).toBe(2);
      expect((await stream.getMsg(2, { subject: `${name}.a` }))?.seq).toBe(3);
      expect(
        text((await stream.getMsg(1, { subject: `${name}.*` }))?.data ?? new Uint8Array()),
      ).toBe("one");
      expect(await stream.getMsg(3, { subject: `${name}.b` })).toBeNull();
      await expect(stream.getMsg(1, { subject: "a..b" })).rejects.toBeInstanceOf(ValidationError);

      expect(ofKind(ops, "stream.getMsg").map((op) => op.seq)).toEqual([1, 99, 1, 2, 1, 3]);
      expect(ofKind(ops, "stream.getMsg").map((op) => op.subject)).toEqual([
        undefined,
        undefined,
        `${name}.b`,
        `${name}.a`,
        `${name}.*`,
        `${name}.b`,
      ]);
      expect(ofKind(ops, "stream.getLastMsgForSubject").map((op) => op.subject)).toEqual([
        `${name}.a`,
        `${name}.b`,
        `${name}.nothing`,
      ]);
      expect(
        ops.every((op) => op.kind.startsWith("stream.") && "stream" in op && op.stream === name),
      ).toBe(true);

      const info = await stream.info();
      expect(info.state.messages).toBe(3);
      expect(info.config.name).toBe(name);
      expect(ops.at(-1)?.kind).toBe("stream.info");
    } finally {
      conn.middleware.remove(`record-${name}`);
      await streams.delete(name);
    }
  });

  it("deletes and securely deletes messages; a missing sequence is a typed error", async () => {
    const streams = createStreamManager(conn);
    const name = uniqueName("DEL");
    const stream = await streams.create({ name, subjects: [`${name}.>`] });
    const publisher = createPublisher(conn);
    for (let i = 1; i <= 4; i++) await publisher.publish(`${name}.x`, `m${i}`);
    const ops = recordOperations(conn, `record-${name}`);
    try {
      await stream.deleteMsg(2);
      await stream.secureDeleteMsg(3);
      expect(await stream.getMsg(2)).toBeNull();
      expect(await stream.getMsg(3)).toBeNull();
      expect((await stream.getMsg(4))?.seq).toBe(4);
      const info = await stream.info();
      expect(info.state.messages).toBe(2);
      expect(info.state.num_deleted).toBe(2);

      // the server answers code 10043 "sequence 2 not found"; helix says NotFoundError("message")
      const again = await stream.deleteMsg(2).catch((e: unknown) => e);
      expect(again).toBeInstanceOf(NotFoundError);
      expect((again as NotFoundError).what).toBe("message");
      expect((again as NotFoundError).resource).toBe(`${name} #2`);
      expect((again as NotFoundError).cause).toMatchObject({
        name: "JetStreamApiError",
        code: 10043,
      });
      // beyond the last sequence the server says 10057 "stream store EOF"
      await expect(stream.secureDeleteMsg(99)).rejects.toMatchObject({
        code: "NOT_FOUND",
        what: "message",
      });

      expect(ofKind(ops, "stream.deleteMsg").map((op) => op.seq)).toEqual([2, 2]);
      expect(ofKind(ops, "stream.secureDeleteMsg").map((op) => op.seq)).toEqual([3, 99]);
    } finally {
      conn.middleware.remove(`record-${name}`);
      await streams.delete(name);
    }
  });

  it("an error a middleware throws is mapped like the call's own", async () => {
    const streams = createStreamManager(conn);
    const name = uniqueName("MWERR");
    const stream = await streams.create({ name, subjects: [`${name}.>`] });
    const mw = `throw-${name}`;
    // shaped like the client's error for a delete past the last sequence
    const storeEof = () =>
      Object.assign(new Error("stream store EOF"), { name: "JetStreamApiError", code: 10057 });
    conn.middleware.add(
      async (op, next) => {
        if (op.kind === "stream.deleteMsg") throw storeEof();
        return next();
      },
      { name: mw },
    );
    try {
      const err = await stream.deleteMsg(5).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as NotFoundError).what).toBe("message");
      expect((err as NotFoundError).resource).toBe(`${name} #5`);
      expect((err as NotFoundError).cause).toMatchObject({
        name: "JetStreamApiError",
        code: 10057,
      });
    } finally {
      conn.middleware.remove(mw);
      await streams.delete(name);
    }
  });

  it("purges by filter, keep and seq, returning the purged count", async () => {
    const streams = createStreamManager(conn);
    const name = uniqueName("PURGE");
    const stream = await streams.create({ name, subjects: [`${name}.>`] });
    const publisher = createPublisher(conn);
    for (let i = 1; i <= 10; i++)
      await publisher.publish(`${name}.${i % 2 ? "odd" : "even"}`, `${i}`);
    const ops = recordOperations(conn, `record-${name}`);
    try {
      expect(await stream.purge({ filter: `${name}.odd` })).toBe(5);
      expect((await stream.info()).state.messages).toBe(5);
      // evens are 2,4,6,8,10: remove below 6
      expect(await stream.purge({ seq: 6 })).toBe(2);
      expect(await stream.purge({ keep: 1 })).toBe(2);
      expect((await stream.getMsg(10))?.seq).toBe(10);
      expect(await stream.purge()).toBe(1);
      expect((await stream.info()).state.messages).toBe(0);
      const purges = ofKind(ops, "stream.purge");
      expect(purges).toHaveLength(4);
      expect(purges[0]?.subject).toBe(`${name}.odd`);
      expect(purges[1]?.seq).toBe(6);
    } finally {
      conn.middleware.remove(`record-${name}`);
      await streams.delete(name);
    }
  });

  it("an aborted signal cancels every stream call with CancelledError before the server is asked", async () => {
    const streams = createStreamManager(conn);
    const name = uniqueName("SIG");
    const stream = await streams.create({ name, subjects: [`${name}.>`] });
    await createPublisher(conn).publish(`${name}.x`, "kept");
    const controller = new AbortController();
    controller.abort(new Error("caller gave up"));
    const signal = controller.signal;
    try {
      const calls: [string, Promise<unknown>][] = [
        ["create", streams.create({ name: uniqueName("SIGNEW") }, { signal })],
        ["update", streams.update({ name, max_msgs: 1 }, { signal })],
        ["get", streams.get(name, { signal })],
        ["delete", streams.delete(name, { signal })],
        ["list", streams.list({ signal })],
        ["info", stream.info({ signal })],
        ["purge", stream.purge({ signal })],
        ["getMsg", stream.getMsg(1, { signal })],
        ["getLastMsgForSubject", stream.getLastMsgForSubject(`${name}.x`, { signal })],
        ["deleteMsg", stream.deleteMsg(1, { signal })],
        ["secureDeleteMsg", stream.secureDeleteMsg(1, { signal })],
      ];
      for (const [call, promise] of calls) {
        const err = await promise.catch((e: unknown) => e);
        expect(err, call).toBeInstanceOf(CancelledError);
        expect((err as CancelledError).cause, call).toBe(signal.reason);
      }
      // nothing was changed: the stream, its config and its message are all still there
      const info = await stream.info();
      expect(info.state.messages).toBe(1);
      expect(info.config.max_msgs).toBe(-1);
      expect(
        (await streams.list()).map((s) => s.name).filter((n) => n.startsWith("SIGNEW_")),
      ).toEqual([]);
    } finally {
      await streams.delete(name);
    }
  });
});
