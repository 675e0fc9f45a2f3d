// Core NATS request/reply between helix-nats (@helix/nats-pubsub) and a Go service: a Go request
// answered by a helix reply handler, a helix request answered by a Go micro service, both ways in
// one trace (helix.go's header carrier on the Go side). The Go CLI is this folder's (pubsub.go).

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type Connection, connect } from "@helix/nats-core";
import { otel } from "@helix/nats-otel";
import { createPubSub, type PubSub, ServiceError } from "@helix/nats-pubsub";
import { uniqueName } from "@helix/nats-testing/vitest";
import { context, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import {
  createSdk,
  parentOf,
  type Sdk,
  sdkOptions,
  useAsyncContext,
} from "../../packages/nats-otel/test/helpers.js";
import { buildGoCli, go, goInstalled, type Ids } from "./go-cli.js";

const binary = fileURLToPath(new URL("../../.cache/interop/helix-interop", import.meta.url));

/** What `helix-interop request` prints. */
interface GoRequested {
  span: Ids;
  data: string;
  headers: Record<string, string[]> | null;
}

/** One line of `helix-interop serve` per request answered. */
interface GoServed {
  data: string;
  remote: Ids;
  process: Ids & { parentSpanId: string };
}

/** Starts `helix-interop serve`: resolves `ready` once its endpoint listens, `done` with its lines. */
function goServe(subject: string, count: number) {
  const args = ["serve", "-url", inject("natsUrl"), "-subject", subject, "-count", String(count)];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  const served: GoServed[] = [];
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
    const parsed = JSON.parse(line) as { ready?: true } & Partial<GoServed>;
    if (parsed.ready) onReady();
    else served.push(parsed as GoServed);
  });
  const done = new Promise<GoServed[]>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(served)
        : reject(new Error(`helix-interop serve exited with ${code}: ${stderr}`)),
    );
  });
  return { ready: Promise.race([ready, done.then(() => {})]), done };
}

const withGo = goInstalled();

describe.skipIf(!withGo)("helix-nats pubsub ⇄ Go (nats.go + micro + helix.go's carrier)", () => {
  let sdk: Sdk;
  let conn: Connection;
  let ps: PubSub;

  beforeAll(async () => {
    await buildGoCli();
    useAsyncContext();
    sdk = createSdk();
    conn = await connect({
      addresses: [inject("natsUrl")],
      name: "interop-pubsub-ts",
      plugins: [otel(sdkOptions(sdk))],
    });
    ps = createPubSub(conn);
  });

  beforeEach(() => sdk.reset());

  afterAll(async () => {
    if (conn !== undefined && !conn.isClosed) await conn.drain();
    await sdk?.shutdown();
  });

  it("a helix reply handler answers a Go request, in Go's trace", async () => {
    const subject = `${uniqueName("interop")}.price`;
    let active: string | undefined;
    const sub = ps.reply(subject, (msg) => {
      active = trace.getActiveSpan()?.spanContext().spanId;
      return { sku: msg.string(), cents: 1250 };
    });
    await ps.flush();
    const answer = await go<GoRequested>("request", { subject, data: "A-1" });
    expect(JSON.parse(answer.data)).toEqual({ sku: "A-1", cents: 1250 });
    expect(answer.headers?.["Content-Type"]).toEqual(["application/json"]);
    const process = sdk.named(`process ${subject}`);
    expect(process).toHaveLength(1);
    const span = process[0];
    expect(span?.spanContext().traceId).toBe(answer.span.traceId);
    expect(parentOf(span!)?.spanId).toBe(answer.span.spanId);
    expect(active).toBe(span?.spanContext().spanId);
    // The response's send span is the handler span's child, in the same trace.
    const response = sdk.named("send _INBOX");
    expect(response).toHaveLength(1);
    expect(response[0]?.spanContext().traceId).toBe(answer.span.traceId);
    expect(parentOf(response[0]!)?.spanId).toBe(span?.spanContext().spanId);
    await sub.drain();
  });

  it("a helix reply handler's error reaches a Go client as micro's service error headers", async () => {
    const subject = `${uniqueName("interop")}.price`;
    const sub = ps.reply(subject, () => {
      throw new ServiceError(404, "no such sku");
    });
    await ps.flush();
    const answer = await go<GoRequested>("request", { subject, data: "nope" });
    expect(answer.data).toBe("");
    expect(answer.headers?.["Nats-Service-Error-Code"]).toEqual(["404"]);
    expect(answer.headers?.["Nats-Service-Error"]).toEqual(["no such sku"]);
    await sub.drain();
  });

  it("a Go micro service answers a helix request, in helix's trace; its error is a ServiceError", async () => {
    const subject = `${uniqueName("interop")}.quote`;
    const service = goServe(subject, 2);
    await service.ready;
    const tracer = sdk.tracerProvider.getTracer("interop");
    const root = tracer.startSpan("checkout");
    const ctx = trace.setSpan(context.active(), root);
    const reply = await context.with(ctx, () => ps.request(subject, "B-2"));
    const failed = await context
      .with(ctx, () => ps.request(subject, "fail"))
      .catch((e: unknown) => e);
    root.end();
    expect(reply.string()).toBe("go:B-2");
    expect(failed).toBeInstanceOf(ServiceError);
    expect(failed).toMatchObject({ serviceCode: 404, description: "no such order", subject });
    const served = await service.done;
    const sends = sdk.named(`send ${subject}`);
    expect(sends).toHaveLength(2);
    expect(served.map((s) => s.data)).toEqual(["B-2", "fail"]);
    for (const [i, s] of served.entries()) {
      const send = sends[i];
      expect(s.remote).toEqual({
        traceId: send?.spanContext().traceId,
        spanId: send?.spanContext().spanId,
      });
      expect(s.process.traceId).toBe(root.spanContext().traceId);
      expect(s.process.parentSpanId).toBe(send?.spanContext().spanId);
      expect(parentOf(send!)?.spanId).toBe(root.spanContext().spanId);
    }
    expect(sends[1]?.attributes["error.type"]).toBe("SERVICE_ERROR");
  });
});
