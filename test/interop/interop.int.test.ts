// Cross-language interop: helix-nats against a Go service built like a helix.go one (nats.go's
// jetstream package + the OpenTelemetry Go SDK + helix.go's header carrier). The Go side is the
// CLI in this folder (see README.md), built once and run once per step; each step prints JSON.

import { randomBytes } from "node:crypto";
import { createConsumerManager, type Msg } from "@helix/nats-consumer";
import { type Connection, connect } from "@helix/nats-core";
import { createKeyValueManager, type KeyValue, type KeyValueEntry } from "@helix/nats-kv";
import { otel } from "@helix/nats-otel";
import { createPublisher, createStreamManager } from "@helix/nats-stream";
import {
  type Baggage,
  context,
  propagation,
  type SpanContext,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import {
  createSdk,
  parentOf,
  type Sdk,
  sdkOptions,
  useAsyncContext,
} from "../../packages/nats-otel/test/helpers.js";
import {
  buildGoCli,
  type GoConsumed,
  type GoConsumerInfo,
  type GoEntry,
  type GoPublished,
  type GoStreamInfo,
  go,
  goInstalled,
  goWatch,
} from "./go-cli.js";
import { awkwardBytes, b64, fromGo, fromHelix, idsOf, traceparent, unique } from "./helpers.js";

const withGo = goInstalled();
if (!withGo) {
  console.warn("[helix-nats] interop: Go is not installed, skipping the Go interop tests");
}

describe.skipIf(!withGo)(
  "helix-nats ⇄ Go (nats.go jetstream + OpenTelemetry Go + helix.go's header carrier)",
  () => {
    let sdk: Sdk;
    let conn: Connection;
    const streams: string[] = [];
    const buckets: string[] = [];

    beforeAll(async () => {
      await buildGoCli();
      useAsyncContext();
      sdk = createSdk();
      conn = await connect({
        addresses: [inject("natsUrl")],
        name: "interop-ts",
        plugins: [otel(sdkOptions(sdk))],
      });
    });

    beforeEach(() => sdk.reset());

    afterAll(async () => {
      if (conn !== undefined && !conn.isClosed) {
        const jsm = await conn.manager();
        for (const name of streams) await jsm.streams.delete(name).catch(() => {});
        const kvm = createKeyValueManager(conn);
        for (const name of buckets) await kvm.delete(name).catch(() => {});
        await conn.close();
      }
      await sdk?.shutdown();
    });

    /** A stream `NAME` with subjects `NAME.>`, made by helix-nats. */
    async function helixStream(): Promise<string> {
      const name = unique("IOP").toUpperCase();
      streams.push(name);
      await createStreamManager(conn).create({ name, subjects: [`${name}.>`] });
      return name;
    }

    /** A bucket made by helix-nats (history 10). */
    async function helixBucket(): Promise<KeyValue> {
      const name = unique("iop");
      buckets.push(name);
      return createKeyValueManager(conn).create({ bucket: name, history: 10 });
    }

    function oneSpan(name: string): ReadableSpan {
      const spans = sdk.named(name);
      expect(spans.map((s) => s.name)).toEqual([name]);
      return spans[0]!;
    }

    describe("trace context", () => {
      it("a Go producer's span is the parent of the helix process span; its baggage is active in the handler", async () => {
        const stream = await helixStream();
        const subject = `${stream}.from-go`;
        const consumer = await createConsumerManager(conn).createOrUpdate(stream, {
          durable_name: "ts-handler",
          ack_policy: "explicit",
        });

        const sent = await go<GoPublished>("publish", {
          subject,
          data: "from go",
          // "note" is "café bar", percent-encoded as W3C baggage requires.
          baggage: "tenant=acme,note=caf%C3%A9%20bar",
        });
        expect(sent.seq).toBe(1);
        // helix.go's carrier canonicalised the keys: this is what is on the wire.
        expect(Object.keys(sent.headers).sort()).toEqual(["Baggage", "Traceparent"]);
        expect(sent.headers.Traceparent).toEqual([traceparent(sent.span)]);

        interface Seen {
          active: SpanContext | undefined;
          baggage: Baggage | undefined;
          data: string;
          headerKeys: string[];
        }
        const seen: Seen[] = [];
        let handled: () => void = () => {};
        const once = new Promise<void>((resolve) => {
          handled = resolve;
        });
        const errors: Error[] = [];
        const consuming = consumer.consume(
          (msg: Msg) => {
            seen.push({
              active: trace.getActiveSpan()?.spanContext(),
              baggage: propagation.getBaggage(context.active()),
              data: msg.string(),
              headerKeys: Array.from(msg.headers?.keys() ?? []).sort(),
            });
            handled();
          },
          { onError: (e) => errors.push(e) },
        );
        await once;
        await consuming.drain();
        expect(errors).toEqual([]);

        const process = oneSpan(`process ${subject}`);
        expect(idsOf(process).traceId).toBe(sent.span.traceId);
        expect(parentOf(process)?.traceId).toBe(sent.span.traceId);
        expect(parentOf(process)?.spanId).toBe(sent.span.spanId);
        expect(parentOf(process)?.isRemote).toBe(true);
        expect(seen).toHaveLength(1);
        expect(seen[0]?.data).toBe("from go");
        expect(seen[0]?.headerKeys).toEqual(["Baggage", "Traceparent"]);
        expect(seen[0]?.active).toEqual(process.spanContext());
        // (Go serialises baggage members in map order: compare them as a set.)
        expect(
          Object.fromEntries(seen[0]?.baggage?.getAllEntries().map(([k, e]) => [k, e.value]) ?? []),
        ).toEqual({ tenant: "acme", note: "café bar" });
        // The automatic ack is in the Go trace too, under the process span.
        const ack = oneSpan(`ack ${subject}`);
        expect(idsOf(ack).traceId).toBe(sent.span.traceId);
        expect(parentOf(ack)?.spanId).toBe(process.spanContext().spanId);

        // And Go sees that ack on the server.
        const info = await go<GoConsumerInfo>("consumer-info", { stream, name: "ts-handler" });
        expect([info.ackFloorStreamSeq, info.numAckPending, info.numPending]).toEqual([1, 0, 0]);
      });

      it("a helix publish is extracted in Go through helix.go's carrier: same trace, parent, tracestate and baggage", async () => {
        const stream = await helixStream();
        const subject = `${stream}.to-go`;
        await createConsumerManager(conn).createOrUpdate(stream, {
          durable_name: "go-reader",
          ack_policy: "explicit",
        });
        const body = awkwardBytes();

        // The publish runs inside an incoming trace (with a tracestate) and with baggage.
        const parent: SpanContext = {
          traceId: randomBytes(16).toString("hex"),
          spanId: randomBytes(8).toString("hex"),
          traceFlags: TraceFlags.SAMPLED,
          isRemote: true,
          traceState: new TraceState("helix=interop,vendor=x1"),
        };
        let ctx = trace.setSpanContext(context.active(), parent);
        ctx = propagation.setBaggage(
          ctx,
          propagation.createBaggage({ tenant: { value: "acme" }, note: { value: "café bar" } }),
        );
        const ack = await context.with(ctx, () =>
          createPublisher(conn).publish(subject, body, { msgID: "to-go-1" }),
        );
        expect(ack).toEqual({ stream, seq: 1, duplicate: false });
        const send = oneSpan(`send ${subject}`);
        expect(idsOf(send).traceId).toBe(parent.traceId);

        const got = await go<GoConsumed>("consume-one", { stream, consumer: "go-reader" });

        // The header names on the wire are the ones helix.go's carrier reads.
        expect(Object.keys(got.headers).sort()).toEqual([
          "Baggage",
          "Nats-Msg-Id",
          "Traceparent",
          "Tracestate",
        ]);
        expect(got.carrier).toEqual({
          traceparent: traceparent(idsOf(send)),
          tracestate: "helix=interop,vendor=x1",
          baggage: "tenant=acme,note=caf%C3%A9%20bar",
        });
        expect(got.remote).toEqual({
          ...idsOf(send),
          valid: true,
          isRemote: true,
          sampled: true,
          traceState: "helix=interop,vendor=x1",
        });
        expect(got.baggage).toEqual({ tenant: "acme", note: "café bar" });
        // Go's consumer span is the child of helix's send span.
        expect(got.process.traceId).toBe(idsOf(send).traceId);
        expect(got.process.parentSpanId).toBe(idsOf(send).spanId);
        expect([got.subject, got.streamSeq, got.deliveries, got.data]).toEqual([
          subject,
          1,
          1,
          b64(body),
        ]);
        expect(got.headers["Nats-Msg-Id"]).toEqual(["to-go-1"]);
      });
    });

    describe("key-value", () => {
      it("bytes and revisions: Go writes, helix reads; helix writes, Go reads", async () => {
        const bucket = unique("iop");
        buckets.push(bucket);
        const created = await go<{
          bucket: string;
          history: number;
          stream: string;
          values: number;
        }>("kv-create", { bucket, history: 10 });
        expect(created).toEqual({ bucket, history: 10, stream: `KV_${bucket}`, values: 0 });
        const kv = await createKeyValueManager(conn).get(bucket);
        expect((await kv.status()).history).toBe(10);

        const fromGoBytes = awkwardBytes();
        const put1 = await go<{ revision: number }>("kv-put", {
          bucket,
          key: "cfg.bin",
          "value-b64": b64(fromGoBytes),
        });
        expect(put1.revision).toBe(1);
        const read1 = await kv.get("cfg.bin");
        const goRead1 = await go<{ found: boolean; entry: GoEntry }>("kv-get", {
          bucket,
          key: "cfg.bin",
        });
        expect(read1 && fromHelix(read1)).toEqual({ ...fromGo(goRead1.entry), revision: 1 });
        expect(b64(read1!.value)).toBe(b64(fromGoBytes));
        expect(read1!.value).toEqual(fromGoBytes);

        const fromHelixBytes = awkwardBytes();
        const rev2 = await kv.put("cfg.bin", fromHelixBytes);
        expect(rev2).toBe(2);
        const goRead2 = await go<{ found: boolean; entry: GoEntry }>("kv-get", {
          bucket,
          key: "cfg.bin",
        });
        expect(goRead2.found).toBe(true);
        expect(goRead2.entry.value).toBe(b64(fromHelixBytes));
        expect(fromGo(goRead2.entry)).toEqual(fromHelix((await kv.get("cfg.bin"))!));
        expect(goRead2.entry).toMatchObject({ bucket, revision: 2, operation: "KeyValuePutOp" });

        // A UTF-8 string from helix is the same bytes for Go.
        const rev3 = await kv.put("cfg.text", "naïve ✓ 日本");
        const goText = await go<{ entry: GoEntry }>("kv-get", { bucket, key: "cfg.text" });
        expect(goText.entry.revision).toBe(rev3);
        expect(Buffer.from(goText.entry.value, "base64").toString("utf8")).toBe("naïve ✓ 日本");

        // Old revisions read the same on both sides.
        const goOld = await go<{ entry: GoEntry }>("kv-get", {
          bucket,
          key: "cfg.bin",
          revision: 1,
        });
        expect(fromGo(goOld.entry)).toEqual(fromHelix((await kv.getRevision("cfg.bin", 1))!));
        expect(goOld.entry.value).toBe(b64(fromGoBytes));
      });

      it("delete and purge markers written by either side read the same on both (DEL / PURGE)", async () => {
        const kv = await helixBucket();
        const bucket = kv.bucket;
        const history = async (key: string) => {
          const go_ = await go<{ entries: GoEntry[] }>("kv-history", { bucket, key });
          const ts = await kv.history(key);
          return { go: go_.entries.map(fromGo), helix: ts.map(fromHelix) };
        };

        // "a": helix put, Go delete, Go put, helix delete.
        await kv.put("a", "a1");
        await go("kv-delete", { bucket, key: "a", "last-revision": 1 });
        await go("kv-put", { bucket, key: "a", value: "a2" });
        await kv.delete("a", { revision: 3 });
        const a = await history("a");
        expect(a.helix).toEqual(a.go);
        expect(a.helix.map((e) => [e.revision, e.operation, e.value])).toEqual([
          [1, "PUT", b64(Buffer.from("a1"))],
          [2, "DEL", ""],
          [3, "PUT", b64(Buffer.from("a2"))],
          [4, "DEL", ""],
        ]);

        // "b": Go put, helix purge. "c": helix put, Go purge.
        await go("kv-put", { bucket, key: "b", value: "b1" });
        await kv.purge("b");
        await kv.put("c", "c1");
        await go("kv-purge", { bucket, key: "c" });
        const b = await history("b");
        const c = await history("c");
        expect(b.helix).toEqual(b.go);
        expect(c.helix).toEqual(c.go);
        expect(b.helix.map((e) => [e.revision, e.operation, e.value])).toEqual([[6, "PURGE", ""]]);
        expect(c.helix.map((e) => [e.revision, e.operation, e.value])).toEqual([[8, "PURGE", ""]]);

        // Reads of a deleted or purged key: null in helix, ErrKeyNotFound in Go.
        for (const key of ["a", "b", "c"]) {
          expect(await kv.get(key)).toBeNull();
          expect(await go("kv-get", { bucket, key })).toEqual({ found: false });
        }
        // A marker's revision: null in helix, ErrKeyNotFound in Go.
        expect(await kv.getRevision("a", 2)).toBeNull();
        expect(await go("kv-get", { bucket, key: "a", revision: 2 })).toEqual({ found: false });
        expect(await kv.keys()).toEqual([]);
      });

      it("a helix watcher sees Go's writes live", async () => {
        const kv = await helixBucket();
        const bucket = kv.bucket;
        await kv.put("live.old", "before");
        const watcher = await kv.watch("live.>");
        // `initialized` resolves once the initial entries were handled: this test reads them.
        const it_ = watcher[Symbol.asyncIterator]();
        const initial = await it_.next();
        expect(initial.done).toBe(false);
        expect(initial.value && [initial.value.key, initial.value.isUpdate]).toEqual([
          "live.old",
          false,
        ]);

        const bytes = awkwardBytes();
        await go("kv-put", { bucket, key: "live.a", value: "x" });
        await go("kv-delete", { bucket, key: "live.a" });
        await go("kv-put", { bucket, key: "live.b", "value-b64": b64(bytes) });
        await go("kv-purge", { bucket, key: "live.b" });

        const live: KeyValueEntry[] = [];
        const updates: boolean[] = [];
        for (let i = 0; i < 4; i++) {
          const next = await it_.next();
          if (next.done) throw new Error("the watch ended early");
          live.push(next.value);
          updates.push(next.value.isUpdate);
        }
        watcher.stop();
        expect(updates).toEqual([true, true, true, true]);
        expect(live.map((e) => [e.key, e.revision, e.operation, b64(e.value)])).toEqual([
          ["live.a", 2, "PUT", b64(Buffer.from("x"))],
          ["live.a", 3, "DEL", ""],
          ["live.b", 4, "PUT", b64(bytes)],
          ["live.b", 5, "PURGE", ""],
        ]);
        // What helix saw live is what Go stored: compare with Go's own history of the keys.
        const goA = await go<{ entries: GoEntry[] }>("kv-history", { bucket, key: "live.a" });
        expect(goA.entries.map(fromGo)).toEqual(live.slice(0, 2).map(fromHelix));
        const goB = await go<{ entries: GoEntry[] }>("kv-history", { bucket, key: "live.b" });
        expect(goB.entries.map(fromGo)).toEqual(live.slice(3).map(fromHelix));
      });

      it("a Go watcher sees helix's writes live", async () => {
        const kv = await helixBucket();
        const bucket = kv.bucket;
        await kv.put("w.old", "before");
        const watch = goWatch(bucket, "w.>", 4);
        try {
          await watch.ready;
          const bytes = awkwardBytes();
          const revA = await kv.put("w.a", bytes);
          await kv.delete("w.a");
          const revB = await kv.put("w.b", { n: 1 });
          await kv.purge("w.b");
          const printed = await watch.done;

          expect(printed.map((p) => [p.live, p.entry.key, p.entry.revision])).toEqual([
            [false, "w.old", 1],
            [true, "w.a", revA],
            [true, "w.a", 3],
            [true, "w.b", revB],
            [true, "w.b", 5],
          ]);
          expect([revA, revB]).toEqual([2, 4]);
          const live = printed.slice(1).map((p) => p.entry);
          expect(live.map((e) => [e.operation, e.value])).toEqual([
            ["KeyValuePutOp", b64(bytes)],
            ["KeyValueDeleteOp", ""],
            ["KeyValuePutOp", b64(Buffer.from('{"n":1}'))],
            ["KeyValuePurgeOp", ""],
          ]);
          // The same entries, read back by helix (w.b's history is only its purge marker now).
          const helixA = (await kv.history("w.a")).map(fromHelix);
          const helixB = (await kv.history("w.b")).map(fromHelix);
          expect([...helixA, ...helixB]).toEqual(
            [live[0], live[1], live[3]].map((e) => fromGo(e!)),
          );
        } finally {
          watch.child.kill();
        }
      });
    });

    describe("message ids (Nats-Msg-Id)", () => {
      it("Go publishes, then helix publishes the same id: stored once, helix's PubAck says duplicate", async () => {
        const stream = await helixStream();
        const subject = `${stream}.dedup`;
        const first = await go<GoPublished>("publish", {
          subject,
          data: "go",
          "msg-id": "order-1",
        });
        expect([first.stream, first.seq, first.duplicate]).toEqual([stream, 1, false]);
        expect(first.headers["Nats-Msg-Id"]).toEqual(["order-1"]);

        const second = await createPublisher(conn).publish(subject, "helix", { msgID: "order-1" });
        expect(second).toEqual({ stream, seq: 1, duplicate: true });

        const info = await go<GoStreamInfo>("stream-info", { name: stream });
        expect([info.messages, info.lastSeq]).toEqual([1, 1]);
        const s = await createStreamManager(conn).get(stream);
        expect((await s.info()).state.messages).toBe(1);
        expect((await s.getMsg(1))?.data).toEqual(new TextEncoder().encode("go"));
      });

      it("helix publishes, then Go publishes the same id: stored once, Go's PubAck.Duplicate", async () => {
        const stream = await helixStream();
        const subject = `${stream}.dedup`;
        const publisher = createPublisher(conn);
        const first = await publisher.publish(subject, "helix", { msgID: "order-2" });
        expect(first).toEqual({ stream, seq: 1, duplicate: false });
        // publishAsync uses the same id too.
        const future = await publisher.publishAsync(subject, "helix again", { msgID: "order-2" });
        expect(await future.ack).toEqual({ stream, seq: 1, duplicate: true });

        const second = await go<GoPublished>("publish", {
          subject,
          data: "go",
          "msg-id": "order-2",
        });
        expect([second.stream, second.seq, second.duplicate]).toEqual([stream, 1, true]);

        const info = await go<GoStreamInfo>("stream-info", { name: stream });
        expect([info.messages, info.lastSeq]).toEqual([1, 1]);
        const stored = await (await createStreamManager(conn).get(stream)).getMsg(1);
        expect(stored?.data).toEqual(new TextEncoder().encode("helix"));
      });
    });

    describe("defaults both languages must agree on", () => {
      // DESIGN §3: "Consumers are created with ack_policy: explicit unless the caller says
      // otherwise (as Go's jetstream package does)". Found failing here (the server's own default
      // is `none`, and a Go service declaring the same durable with its defaults was then refused:
      // err_code 10012 "ack policy can not be updated"); see README.md.
      it("a durable helix creates with no ack_policy is `explicit`, as Go's default is, so a Go service can declare the same durable", async () => {
        const stream = await helixStream();
        const goDefault = await go<GoConsumerInfo>("create-consumer", {
          stream,
          durable: "go-default",
        });
        expect(goDefault.ackPolicy).toBe("explicit");

        const tsDefault = await createConsumerManager(conn).createOrUpdate(stream, {
          durable_name: "shared",
        });
        const goView = await go<GoConsumerInfo>("consumer-info", { stream, name: "shared" });
        expect([tsDefault.config.ack_policy, goView.ackPolicy]).toEqual(["explicit", "explicit"]);
        // The Go service declares the same durable with its defaults: an update to nothing new.
        const goDeclares = await go<GoConsumerInfo>("create-consumer", {
          stream,
          durable: "shared",
        });
        expect(goDeclares.ackPolicy).toBe("explicit");
        // And helix declares Go's durable with its defaults.
        const tsDeclares = await createConsumerManager(conn).createOrUpdate(stream, {
          durable_name: "go-default",
        });
        expect(tsDeclares.config.ack_policy).toBe("explicit");
      });
    });

    describe("streams and consumers made by one side, used by the other", () => {
      it("Go creates a stream and a durable consumer; helix publishes and consumes through them", async () => {
        const stream = unique("GO").toUpperCase();
        streams.push(stream);
        const made = await go<GoStreamInfo>("create-stream", {
          name: stream,
          subjects: `${stream}.>`,
        });
        expect([made.name, made.subjects, made.messages]).toEqual([stream, [`${stream}.>`], 0]);
        const durable = await go<GoConsumerInfo>("create-consumer", {
          stream,
          durable: "go-worker",
          filter: `${stream}.orders`,
        });
        expect([durable.name, durable.ackPolicy]).toEqual(["go-worker", "explicit"]);

        const s = await createStreamManager(conn).get(stream);
        expect(s.config.subjects).toEqual([`${stream}.>`]);
        const c = await createConsumerManager(conn).get(stream, "go-worker");
        expect([
          c.name,
          c.config.durable_name,
          c.config.ack_policy,
          c.config.filter_subject,
        ]).toEqual(["go-worker", "go-worker", "explicit", `${stream}.orders`]);

        const publisher = createPublisher(conn);
        const acks = [
          await publisher.publish(`${stream}.orders`, { id: 1 }),
          await publisher.publish(`${stream}.other`, "not for go-worker"),
          await publisher.publish(`${stream}.orders`, { id: 2 }),
        ];
        expect(acks.map((a) => a.seq)).toEqual([1, 2, 3]);

        const batch = await c.fetch(2, { expiresMs: 5_000 });
        expect(batch.map((m) => [m.subject, m.seq, m.json()])).toEqual([
          [`${stream}.orders`, 1, { id: 1 }],
          [`${stream}.orders`, 3, { id: 2 }],
        ]);
        for (const m of batch) await m.ackAck();

        const after = await go<GoConsumerInfo>("consumer-info", { stream, name: "go-worker" });
        expect([
          after.deliveredStreamSeq,
          after.ackFloorStreamSeq,
          after.numAckPending,
          after.numPending,
        ]).toEqual([3, 3, 0, 0]);
        const info = await go<GoStreamInfo>("stream-info", { name: stream });
        expect([info.messages, info.consumers]).toEqual([3, 1]);
      });

      it("helix creates a stream and a durable consumer; Go publishes and fetches through them", async () => {
        const stream = await helixStream();
        const c = await createConsumerManager(conn).createOrUpdate(stream, {
          durable_name: "ts-made",
          filter_subject: `${stream}.jobs`,
          ack_policy: "explicit",
        });
        expect(c.config.ack_policy).toBe("explicit");
        const goView = await go<GoConsumerInfo>("consumer-info", { stream, name: "ts-made" });
        expect([goView.durable, goView.ackPolicy, goView.filterSubject]).toEqual([
          "ts-made",
          "explicit",
          `${stream}.jobs`,
        ]);

        const body = awkwardBytes();
        const sent = await go<GoPublished>("publish", {
          subject: `${stream}.jobs`,
          "data-b64": b64(body),
          "no-trace": true,
        });
        expect([sent.stream, sent.seq, sent.duplicate, sent.headers]).toEqual([
          stream,
          1,
          false,
          {},
        ]);
        const got = await go<GoConsumed>("consume-one", { stream, consumer: "ts-made" });
        expect([got.subject, got.streamSeq, got.deliveries, got.data]).toEqual([
          `${stream}.jobs`,
          1,
          1,
          b64(body),
        ]);
        // No trace headers: Go extracts no context.
        expect(got.remote.valid).toBe(false);

        const info = await c.info();
        expect([
          info.delivered.stream_seq,
          info.ack_floor.stream_seq,
          info.num_ack_pending,
          info.num_pending,
        ]).toEqual([1, 1, 0, 0]);
        const stored = await (await createStreamManager(conn).get(stream)).getMsg(1);
        expect(stored?.data).toEqual(body);
      });
    });
  },
);
