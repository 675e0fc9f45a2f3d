import {
  CancelledError,
  type CoreMessage,
  copyHeaders,
  getHeader,
  TimeoutError,
  ValidationError,
} from "@helix/nats-core";
import { deferred, until } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  NoRespondersError,
  type PubSubMsg,
  SERVICE_ERROR_CODE_HEADER,
  SERVICE_ERROR_HEADER,
  ServiceError,
} from "../src/index.js";
import { type PubSubContext, setup, text } from "./helpers.js";

const url = inject("natsUrl");

let t: PubSubContext;
beforeAll(async () => {
  t = await setup("pubsub-int", url);
});
afterAll(() => t.close());

function clear(): void {
  t.seen.length = 0;
}

describe("publish and subscribe", () => {
  it("delivers payload and headers, each message a core.process operation", async () => {
    const subject = t.subject();
    const got: PubSubMsg[] = [];
    const sub = t.ps.subscribe(subject, (msg) => {
      got.push(msg);
    });
    await t.ps.flush();
    clear();
    await t.ps.publish(subject, { id: 7 }, { headers: { "X-Trace-Me": "yes" } });
    await t.ps.publish(subject, "two");
    await t.ps.publish(subject);
    await until(() => got.length === 3);
    expect(got.map((m) => (m.data.length === 0 ? "" : m.string()))).toEqual([
      '{"id":7}',
      "two",
      "",
    ]);
    expect(got[0]?.json()).toEqual({ id: 7 });
    expect(getHeader(got[0]?.headers, "Content-Type")).toBe("application/json");
    expect(getHeader(got[0]?.headers, "X-Trace-Me")).toBe("yes");
    expect(got[1]?.headers).toBeUndefined(); // no header block sent when there are none
    const publishes = t.ops("core.publish");
    expect(publishes.map((op) => [op.subject, op.temporary, text(op.payload)])).toEqual([
      [subject, false, '{"id":7}'],
      [subject, false, "two"],
      [subject, false, ""],
    ]);
    const processed = t.ops("core.process");
    expect(processed.map((op) => [op.mode, op.subscription, op.queue, op.message.subject])).toEqual(
      [
        ["subscribe", subject, undefined, subject],
        ["subscribe", subject, undefined, subject],
        ["subscribe", subject, undefined, subject],
      ],
    );
    sub.stop();
    await expect(sub.closed).resolves.toBeUndefined();
  });

  it("never changes the caller's headers object", async () => {
    const subject = t.subject();
    const headers = copyHeaders({ A: "1" });
    await t.ps.publish(subject, { x: 1 }, { headers });
    expect([...headers.keys()]).toEqual(["A"]);
  });

  it("a queue group shares the load: each message to exactly one member", async () => {
    const subject = t.subject("q");
    const a: string[] = [];
    const b: string[] = [];
    const all: string[] = [];
    const subs = [
      t.ps.subscribe(subject, (m) => void a.push(m.string()), { queue: "workers" }),
      t.ps.subscribe(subject, (m) => void b.push(m.string()), { queue: "workers" }),
      t.ps.subscribe(subject, (m) => void all.push(m.string())), // not in the group: gets all
    ];
    await t.ps.flush();
    clear();
    for (let i = 0; i < 200; i++) await t.ps.publish(subject, String(i));
    await until(() => a.length + b.length === 200 && all.length === 200);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(new Set([...a, ...b]).size).toBe(200);
    expect([...a, ...b].sort()).toEqual([...all].sort());
    const queues = t.ops("core.process").map((op) => op.queue);
    expect(queues.filter((q) => q === "workers")).toHaveLength(200);
    expect(queues.filter((q) => q === undefined)).toHaveLength(200);
    for (const s of subs) s.stop();
    await Promise.all(subs.map((s) => s.closed));
  });

  it("runs at most `concurrency` handlers at once", async () => {
    const subject = t.subject();
    let running = 0;
    let peak = 0;
    let done = 0;
    const gate = deferred();
    const sub = t.ps.subscribe(
      subject,
      async () => {
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
        done++;
      },
      { concurrency: 3 },
    );
    await t.ps.flush();
    for (let i = 0; i < 10; i++) await t.ps.publish(subject, i);
    await until(() => running === 3);
    gate.resolve();
    await until(() => done === 10);
    expect(peak).toBe(3);
    await sub.drain();
  });

  it("a throwing handler is reported to onError and the subscription keeps receiving", async () => {
    const subject = t.subject();
    const errors: [string, string | undefined][] = [];
    const handled: string[] = [];
    const sub = t.ps.subscribe(
      subject,
      (msg) => {
        if (msg.string() === "bad") throw new Error("boom");
        handled.push(msg.string());
      },
      { onError: (err, info) => errors.push([err.message, info.msg?.string()]) },
    );
    await t.ps.flush();
    clear();
    await t.ps.publish(subject, "bad");
    await t.ps.publish(subject, "good");
    await until(() => handled.length === 1);
    expect(errors).toEqual([["boom", "bad"]]);
    expect(handled).toEqual(["good"]);
    const outcomes = t.seen.filter((o) => o.op.kind === "core.process");
    expect(outcomes.map((o) => (o.error as Error | undefined)?.message)).toEqual([
      "boom",
      undefined,
    ]);
    sub.stop();
    await expect(sub.closed).resolves.toBeUndefined();
  });

  it("maxMessages ends the subscription after that many messages", async () => {
    const subject = t.subject();
    const got: string[] = [];
    const sub = t.ps.subscribe(subject, (m) => void got.push(m.string()), { maxMessages: 3 });
    await t.ps.flush();
    for (let i = 0; i < 5; i++) await t.ps.publish(subject, String(i));
    await expect(sub.closed).resolves.toBeUndefined();
    expect(got).toEqual(["0", "1", "2"]);
  });

  it("stop() ends at once: later messages are not handled; a signal stops it too", async () => {
    const subject = t.subject();
    const got: string[] = [];
    const ac = new AbortController();
    const sub = t.ps.subscribe(subject, (m) => void got.push(m.string()), { signal: ac.signal });
    await t.ps.flush();
    await t.ps.publish(subject, "1");
    await until(() => got.length === 1);
    ac.abort();
    await expect(sub.closed).resolves.toBeUndefined();
    await t.ps.publish(subject, "2");
    await t.ps.flush();
    expect(got).toEqual(["1"]);
  });

  it("stop() drops the messages waiting for a slot; the running handler finishes", async () => {
    const subject = t.subject();
    const started: string[] = [];
    const gate = deferred();
    const sub = t.ps.subscribe(subject, async (m) => {
      started.push(m.string());
      await gate.promise;
    });
    await t.ps.flush();
    for (let i = 0; i < 5; i++) await t.ps.publish(subject, String(i));
    await t.ps.flush();
    await until(() => started.length === 1);
    sub.stop();
    gate.resolve();
    await expect(sub.closed).resolves.toBeUndefined();
    expect(started).toEqual(["0"]);
  });

  it("drain() hands every message already sent to a handler, then resolves", async () => {
    const subject = t.subject();
    const got: string[] = [];
    const sub = t.ps.subscribe(subject, async (m) => {
      await new Promise((r) => setTimeout(r, 20));
      got.push(m.string());
    });
    await t.ps.flush();
    for (let i = 0; i < 5; i++) await t.ps.publish(subject, String(i));
    await t.ps.flush();
    await until(() => got.length >= 1);
    await sub.drain();
    expect(got).toEqual(["0", "1", "2", "3", "4"]);
  });

  it("drain() past its deadline aborts the handlers' signal and rejects with TimeoutError", async () => {
    const subject = t.subject();
    const started = deferred();
    let aborted = false;
    const sub = t.ps.subscribe(subject, async (_m, { signal }) => {
      started.resolve();
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
      aborted = true;
    });
    await t.ps.flush();
    await t.ps.publish(subject, "x");
    await started.promise;
    const err = await sub.drain({ timeoutMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe(
      `subscribe "${subject}": drain did not finish within 100 ms (1 handler(s) still running); their signal was aborted`,
    );
    await until(() => aborted);
    await expect(sub.closed).rejects.toBe(err);
    await expect(sub.drain({ timeoutMs: 0 })).rejects.toMatchObject({ field: "timeoutMs" });
  });

  it("a closed connection rejects closed with ConnectionError and aborts running handlers", async () => {
    const own = await setup("pubsub-int-close", url);
    const subject = own.subject();
    const started = deferred();
    let aborted = false;
    const sub = own.ps.subscribe(subject, async (_m, { signal }) => {
      started.resolve();
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
      aborted = true;
    });
    await own.ps.flush();
    await own.ps.publish(subject, "x");
    await started.promise;
    await own.conn.close();
    await expect(sub.closed).rejects.toMatchObject({
      name: "ConnectionError",
      code: "CONNECTION_CLOSED",
    });
    await until(() => aborted);
    expect(() => own.ps.subscribe(subject, () => {})).toThrow(
      expect.objectContaining({ name: "ConnectionError", code: "CONNECTION_CLOSED" }),
    );
    expect(() => own.ps.reply(subject, () => 1)).toThrow(
      expect.objectContaining({ name: "ConnectionError", code: "CONNECTION_CLOSED" }),
    );
    await expect(own.ps.publish(subject, "x")).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
    await expect(own.ps.request(subject, "x")).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
  });
});

describe("request and reply", () => {
  it("the handler's return value is the response; the request op holds the reply", async () => {
    const subject = t.subject("svc");
    const sub = t.ps.reply(subject, (msg) => ({
      echo: msg.json<{ n: number }>().n,
      header: getHeader(msg.headers, "X-Who"),
    }));
    await t.ps.flush();
    clear();
    const reply = await t.ps.request(subject, { n: 41 }, { headers: { "X-Who": "me" } });
    expect(reply.json()).toEqual({ echo: 41, header: "me" });
    expect(getHeader(reply.headers, "Content-Type")).toBe("application/json");
    const [request] = t.ops("core.request");
    expect(request?.subject).toBe(subject);
    expect(request?.timeoutMs).toBe(5000);
    expect(request?.attempt).toBe(1);
    expect((request?.response as CoreMessage | undefined)?.data).toEqual(reply.data);
    const [process] = t.ops("core.process");
    expect([process?.mode, process?.subscription]).toEqual(["reply", subject]);
    // The response goes to the request's inbox: a temporary destination.
    const responses = t.ops("core.publish");
    expect(responses).toHaveLength(1);
    expect(responses[0]?.subject.startsWith("_INBOX.")).toBe(true);
    expect(responses[0]?.temporary).toBe(true);
    expect(process?.message.reply).toBe(responses[0]?.subject);
    await sub.drain();
  });

  it("a string, bytes or nothing returned are sent as they are", async () => {
    const subject = t.subject("svc");
    const sub = t.ps.reply(subject, (msg) => {
      const s = msg.string();
      return s === "bytes" ? new Uint8Array([1, 2, 3]) : s === "none" ? undefined : `hi ${s}`;
    });
    await t.ps.flush();
    expect((await t.ps.request(subject, "bob")).string()).toBe("hi bob");
    expect([...(await t.ps.request(subject, "bytes")).data]).toEqual([1, 2, 3]);
    expect((await t.ps.request(subject, "none")).data.length).toBe(0);
    await sub.drain();
  });

  it("no responders fails fast with NoRespondersError, retried only when asked", async () => {
    const subject = t.subject("nobody");
    clear();
    const err = await t.ps.request(subject, "x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoRespondersError);
    expect(err).toMatchObject({ code: "NO_RESPONDERS", subject, retryable: false });
    expect(t.ops("core.request").map((op) => op.attempt)).toEqual([1]);
    clear();
    const again = await t.ps
      .request(subject, "x", { retry: { attempts: 3, delayMs: 10 } })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(NoRespondersError);
    expect(t.ops("core.request").map((op) => op.attempt)).toEqual([3]);
  });

  it("a retry on no responders finds a responder that came up meanwhile", async () => {
    const subject = t.subject("late");
    let attempts = 0;
    const pending = t.ps.request(subject, "x", { retry: { attempts: 50, delayMs: 20 } });
    await until(() => {
      const op = t.ops("core.request").find((o) => o.subject === subject);
      attempts = op?.attempt ?? 0;
      return attempts >= 2;
    });
    const sub = t.ps.reply(subject, () => "up");
    expect((await pending).string()).toBe("up");
    await sub.drain();
  });

  it("a slow reply times out with TimeoutError, and the late answer is dropped", async () => {
    const subject = t.subject("slow");
    const answered = deferred();
    const sub = t.ps.reply(
      subject,
      async (msg) => {
        if (msg.string() === "slow") {
          await new Promise((r) => setTimeout(r, 300));
          answered.resolve();
        }
        return `answer to ${msg.string()}`;
      },
      { concurrency: 2 },
    );
    await t.ps.flush();
    const err = await t.ps.request(subject, "slow", { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: "TIMEOUT" });
    await answered.promise;
    // The late answer reached no one: the next request gets its own.
    expect((await t.ps.request(subject, "fast")).string()).toBe("answer to fast");
    await sub.drain();
  });

  it("a throwing handler sends an error response: ServiceError on the caller's side", async () => {
    const subject = t.subject("fails");
    const errors: string[] = [];
    const sub = t.ps.reply(
      subject,
      (msg) => {
        if (msg.string() === "404") throw new ServiceError(404, "no such order");
        throw new Error("database down");
      },
      { onError: (e) => errors.push(e.message) },
    );
    await t.ps.flush();
    clear();
    const notFound = await t.ps.request(subject, "404").catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(ServiceError);
    expect(notFound).toMatchObject({
      code: "SERVICE_ERROR",
      serviceCode: 404,
      description: "no such order",
      subject,
    });
    const crashed = await t.ps.request(subject, "x").catch((e: unknown) => e);
    expect(crashed).toMatchObject({ serviceCode: 500, description: "database down" });
    expect(errors).toEqual(["service error 404: no such order", "database down"]);
    // Both sides record the failure.
    const failed = t.seen.filter((o) => o.error !== undefined).map((o) => o.op.kind);
    expect(failed.sort()).toEqual(["core.process", "core.process", "core.request", "core.request"]);
    await sub.drain();
  });

  it("error responses use the NATS service headers (what a Go micro client reads)", async () => {
    const subject = t.subject("raw");
    const sub = t.ps.reply(subject, () => {
      throw new ServiceError(409, "already\nshipped");
    });
    await t.ps.flush();
    const raw = await t.conn.nats.request(subject, new Uint8Array(0), { timeout: 2000 });
    expect(raw.headers?.get(SERVICE_ERROR_CODE_HEADER)).toBe("409");
    expect(raw.headers?.get(SERVICE_ERROR_HEADER)).toBe("already shipped");
    expect(raw.data.length).toBe(0);
    await sub.drain();
  });

  it("an error response from any responder (raw client) becomes a ServiceError", async () => {
    const subject = t.subject("rawsvc");
    const raw = t.conn.nats.subscribe(subject, {
      callback: (_err, msg) => {
        const h = copyHeaders({
          [SERVICE_ERROR_CODE_HEADER]: "503",
          [SERVICE_ERROR_HEADER]: "busy",
        });
        msg.respond(new Uint8Array(0), { headers: h });
      },
    });
    await t.ps.flush();
    await expect(t.ps.request(subject)).rejects.toMatchObject({
      name: "ServiceError",
      serviceCode: 503,
      description: "busy",
    });
    raw.unsubscribe();
  });

  it("a queue group of reply handlers shares requests", async () => {
    const subject = t.subject("pool");
    const subs = [1, 2].map((n) => t.ps.reply(subject, () => n, { queue: "pool" }));
    await t.ps.flush();
    const answers = new Set<number>();
    for (let i = 0; i < 60; i++) answers.add((await t.ps.request(subject)).json<number>());
    expect([...answers].sort()).toEqual([1, 2]);
    await Promise.all(subs.map((s) => s.drain()));
  });

  it("an aborted request rejects with CancelledError", async () => {
    const subject = t.subject("hang");
    const sub = t.ps.reply(subject, () => new Promise((r) => setTimeout(() => r("late"), 500)));
    await t.ps.flush();
    const ac = new AbortController();
    const pending = t.ps.request(subject, "x", { signal: ac.signal, timeoutMs: 5000 });
    setTimeout(() => ac.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    await sub.drain();
  });

  it("conn.drain() lets running reply handlers answer before the connection closes", async () => {
    const server = await setup("pubsub-int-drain", url);
    const subject = server.subject("drain");
    const started = deferred();
    const release = deferred();
    server.ps.reply(subject, async () => {
      started.resolve();
      await release.promise;
      return "finished";
    });
    await server.ps.flush();
    const pending = t.ps.request(subject, "x", { timeoutMs: 10_000 });
    await started.promise;
    const drained = server.conn.drain();
    setTimeout(() => release.resolve(), 50);
    expect((await pending).string()).toBe("finished");
    await drained;
    expect(server.conn.isClosed).toBe(true);
  });
});

describe("validation before any I/O", () => {
  it("refuses bad subjects, queues and options with ValidationError, sending nothing", async () => {
    clear();
    const noop = () => {};
    await expect(t.ps.publish("a..b", "x")).rejects.toBeInstanceOf(ValidationError);
    await expect(t.ps.publish("", "x")).rejects.toMatchObject({ field: "subject" });
    await expect(t.ps.publish(undefined as never, "x")).rejects.toMatchObject({ field: "subject" });
    await expect(t.ps.publish("a..b", "x")).rejects.toMatchObject({ field: "subject" }); // twice
    await expect(t.ps.publish("a.*", "x")).rejects.toMatchObject({ field: "subject" });
    await expect(t.ps.publish("a", () => 1)).rejects.toMatchObject({ field: "data" });
    await expect(t.ps.request("a.>", "x")).rejects.toMatchObject({ field: "subject" });
    await expect(t.ps.request("a", "x", { timeoutMs: 0 })).rejects.toMatchObject({
      field: "timeoutMs",
    });
    await expect(t.ps.request("a", "x", { retry: { attempts: 0 } })).rejects.toMatchObject({
      field: "retry.attempts",
    });
    expect(() => t.ps.subscribe("a b", noop)).toThrow(ValidationError);
    expect(() => t.ps.subscribe("a", noop, { queue: "my queue" })).toThrow(
      expect.objectContaining({ field: "queue" }),
    );
    expect(() => t.ps.subscribe("a", noop, { queue: "" })).toThrow(
      expect.objectContaining({ field: "queue" }),
    );
    expect(() => t.ps.subscribe("a", noop, { concurrency: 0 })).toThrow(
      expect.objectContaining({ field: "concurrency" }),
    );
    expect(() => t.ps.subscribe("a", noop, { maxMessages: 1.5 })).toThrow(
      expect.objectContaining({ field: "maxMessages" }),
    );
    expect(() => t.ps.reply("a.>", "nope" as never)).toThrow(
      expect.objectContaining({ field: "handler" }),
    );
    const big = new Uint8Array((t.conn.nats.info?.max_payload ?? 1_048_576) + 1);
    await expect(t.ps.publish("a", big)).rejects.toMatchObject({ field: "data" });
    expect(t.seen).toEqual([]);
  });

  it("wildcards are fine to subscribe", async () => {
    const base = t.subject("wild");
    const got: string[] = [];
    const sub = t.ps.subscribe(`${base}.*`, (m) => void got.push(m.subject));
    await t.ps.flush();
    await t.ps.publish(`${base}.x`, "1");
    await until(() => got.length === 1);
    expect(got).toEqual([`${base}.x`]);
    await sub.drain();
  });
});
