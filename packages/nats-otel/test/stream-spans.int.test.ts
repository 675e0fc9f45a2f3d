import { NotFoundError } from "@helix/nats-core";
import { createStreamManager } from "@helix/nats-stream";
import { SpanKind } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { deleteStreams, onlySpan } from "./helpers.js";
import {
  expectChildOf,
  expectFailedWith,
  expectRoot,
  expectUnset,
  insideSpan,
  serverAttrs,
  sharedTraced,
  uniqueName,
} from "./management-helpers.js";

const CLIENT = "otel-stream-spans";

const shared = sharedTraced(CLIENT);
const streams: string[] = [];

afterEach(async () => {
  await deleteStreams(shared.conn, streams.splice(0));
});

/** The attributes every stream.* span of `stream` carries. */
function streamAttrs(kind: string, stream: string, extra: Record<string, unknown> = {}) {
  return {
    "messaging.system": "nats",
    "messaging.operation.name": kind,
    "messaging.destination.name": stream,
    "messaging.nats.stream.name": stream,
    "messaging.client.id": CLIENT,
    ...serverAttrs(),
    ...extra,
  };
}

function expectClientSpan(span: ReadableSpan, attrs: Record<string, unknown>): void {
  expect(span.kind).toBe(SpanKind.CLIENT);
  // Exact: proves there is no messaging.operation.type, error.type or anything else.
  expect(span.attributes).toEqual(attrs);
  expect(span.attributes["messaging.operation.type"]).toBeUndefined();
  expectUnset(span);
}

/** Publishes with the raw client (no span). */
async function rawPublish(subject: string, data: string): Promise<number> {
  return (await shared.conn.jetstream.publish(subject, data)).seq;
}

describe("stream management spans", () => {
  it("create, update, get, list and delete: CLIENT spans named by the stream, children of the active span", async () => {
    const name = uniqueName("OTS");
    streams.push(name);
    const manager = createStreamManager(shared.conn);
    const { outer } = await insideSpan(shared.sdk, async () => {
      await manager.create({ name, subjects: [`${name}.>`] });
      await manager.update({ name, max_msgs: 100 });
      await manager.get(name);
      const all = await manager.list();
      expect(all.map((s) => s.name)).toContain(name);
      await manager.delete(name);
    });

    const create = onlySpan(shared.sdk, `stream.create ${name}`);
    expectClientSpan(create, streamAttrs("stream.create", name));
    const update = onlySpan(shared.sdk, `stream.update ${name}`);
    expectClientSpan(update, streamAttrs("stream.update", name));
    const get = onlySpan(shared.sdk, `stream.get ${name}`);
    expectClientSpan(get, streamAttrs("stream.get", name));
    const del = onlySpan(shared.sdk, `stream.delete ${name}`);
    expectClientSpan(del, streamAttrs("stream.delete", name));

    // stream.list has no destination: name alone, no destination or stream attribute.
    const list = onlySpan(shared.sdk, "stream.list");
    expectClientSpan(list, {
      "messaging.system": "nats",
      "messaging.operation.name": "stream.list",
      "messaging.client.id": CLIENT,
      ...serverAttrs(),
    });

    for (const span of [create, update, get, list, del]) expectChildOf(span, outer);
    // The five calls and the outer span: nothing else was traced.
    expect(shared.sdk.spans()).toHaveLength(6);
  });

  it("a call outside any span is a root span", async () => {
    const name = uniqueName("OTS");
    streams.push(name);
    await createStreamManager(shared.conn).create({ name, subjects: [`${name}.>`] });
    expectRoot(onlySpan(shared.sdk, `stream.create ${name}`));
  });

  it("list filtered by subject carries messaging.nats.subject", async () => {
    const name = uniqueName("OTS");
    streams.push(name);
    const manager = createStreamManager(shared.conn);
    await manager.create({ name, subjects: [`${name}.>`] });
    const found = await manager.list({ subject: `${name}.a` });
    expect(found.map((s) => s.name)).toEqual([name]);
    expectClientSpan(onlySpan(shared.sdk, "stream.list"), {
      "messaging.system": "nats",
      "messaging.operation.name": "stream.list",
      "messaging.nats.subject": `${name}.a`,
      "messaging.client.id": CLIENT,
      ...serverAttrs(),
    });
  });

  it("stream handle calls: info, purge, getMsg, getLastMsgForSubject, deleteMsg, secureDeleteMsg", async () => {
    const name = uniqueName("OTS");
    streams.push(name);
    const stream = await createStreamManager(shared.conn).create({ name, subjects: [`${name}.>`] });
    for (const subject of ["a", "b", "a", "c", "c"])
      await rawPublish(`${name}.${subject}`, subject);
    shared.sdk.reset();

    const { outer } = await insideSpan(shared.sdk, async () => {
      expect((await stream.info()).state.messages).toBe(5);
      expect((await stream.getMsg(2))?.subject).toBe(`${name}.b`);
      expect((await stream.getLastMsgForSubject(`${name}.a`))?.seq).toBe(3);
      await stream.deleteMsg(1);
      await stream.secureDeleteMsg(2);
      expect(await stream.purge({ filter: `${name}.c` })).toBe(2);
      expect(await stream.purge()).toBe(1);
    });

    expectClientSpan(onlySpan(shared.sdk, `stream.info ${name}`), streamAttrs("stream.info", name));
    expectClientSpan(
      onlySpan(shared.sdk, `stream.getMsg ${name}`),
      streamAttrs("stream.getMsg", name, { "messaging.nats.message.stream_sequence": 2 }),
    );
    expectClientSpan(
      onlySpan(shared.sdk, `stream.getLastMsgForSubject ${name}`),
      streamAttrs("stream.getLastMsgForSubject", name, { "messaging.nats.subject": `${name}.a` }),
    );
    expectClientSpan(
      onlySpan(shared.sdk, `stream.deleteMsg ${name}`),
      streamAttrs("stream.deleteMsg", name, { "messaging.nats.message.stream_sequence": 1 }),
    );
    expectClientSpan(
      onlySpan(shared.sdk, `stream.secureDeleteMsg ${name}`),
      streamAttrs("stream.secureDeleteMsg", name, { "messaging.nats.message.stream_sequence": 2 }),
    );
    const purges = shared.sdk.named(`stream.purge ${name}`);
    expect(purges).toHaveLength(2);
    expectClientSpan(
      purges[0] as ReadableSpan,
      streamAttrs("stream.purge", name, { "messaging.nats.subject": `${name}.c` }),
    );
    expectClientSpan(purges[1] as ReadableSpan, streamAttrs("stream.purge", name));
    const inner = shared.sdk.spans().filter((s) => s.name !== "outer");
    expect(inner).toHaveLength(7);
    for (const span of inner) expectChildOf(span, outer);
  });

  it("getMsg with a subject filter carries both the sequence and the subject", async () => {
    const name = uniqueName("OTS");
    streams.push(name);
    const stream = await createStreamManager(shared.conn).create({ name, subjects: [`${name}.>`] });
    await rawPublish(`${name}.a`, "1");
    await rawPublish(`${name}.b`, "2");
    shared.sdk.reset();
    expect((await stream.getMsg(1, { subject: `${name}.b` }))?.seq).toBe(2);
    expectClientSpan(
      onlySpan(shared.sdk, `stream.getMsg ${name}`),
      streamAttrs("stream.getMsg", name, {
        "messaging.nats.message.stream_sequence": 1,
        "messaging.nats.subject": `${name}.b`,
      }),
    );
  });
});

describe("stream outcomes and failures", () => {
  it("stream.get of a missing stream: status ERROR, error.type NOT_FOUND, exception event", async () => {
    const name = uniqueName("OTSMISSING");
    const err = await createStreamManager(shared.conn)
      .get(name)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    const span = onlySpan(shared.sdk, `stream.get ${name}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expectFailedWith(span, err, "NOT_FOUND");
    expect(span.attributes).toEqual({
      ...streamAttrs("stream.get", name),
      "error.type": "NOT_FOUND",
    });
  });

  it("stream.delete of a missing stream fails the span with NOT_FOUND, inside the active span", async () => {
    const name = uniqueName("OTSMISSING");
    let err: unknown;
    const { outer } = await insideSpan(shared.sdk, async () => {
      err = await createStreamManager(shared.conn)
        .delete(name)
        .catch((e: unknown) => e);
    });
    expect(err).toBeInstanceOf(NotFoundError);
    const span = onlySpan(shared.sdk, `stream.delete ${name}`);
    expectFailedWith(span, err, "NOT_FOUND");
    expectChildOf(span, outer);
  });

  it("getLastMsgForSubject and getMsg answering null leave the status UNSET", async () => {
    const name = uniqueName("OTS");
    streams.push(name);
    const stream = await createStreamManager(shared.conn).create({ name, subjects: [`${name}.>`] });
    await rawPublish(`${name}.a`, "1");
    shared.sdk.reset();
    expect(await stream.getLastMsgForSubject(`${name}.empty`)).toBeNull();
    expect(await stream.getMsg(99)).toBeNull();
    expectClientSpan(
      onlySpan(shared.sdk, `stream.getLastMsgForSubject ${name}`),
      streamAttrs("stream.getLastMsgForSubject", name, {
        "messaging.nats.subject": `${name}.empty`,
      }),
    );
    expectClientSpan(
      onlySpan(shared.sdk, `stream.getMsg ${name}`),
      streamAttrs("stream.getMsg", name, { "messaging.nats.message.stream_sequence": 99 }),
    );
  });

  it("deleteMsg of a missing sequence: the span's error is the NotFoundError the caller gets", async () => {
    const name = uniqueName("OTS");
    streams.push(name);
    const stream = await createStreamManager(shared.conn).create({ name, subjects: [`${name}.>`] });
    await rawPublish(`${name}.a`, "1");
    shared.sdk.reset();
    const err = await stream.deleteMsg(7).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    const span = onlySpan(shared.sdk, `stream.deleteMsg ${name}`);
    expectFailedWith(span, err, "NOT_FOUND");
  });
});
