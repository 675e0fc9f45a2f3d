// The demo's --otlp export, read back from a real Jaeger v2 (the backend the README tells users to
// open): the service, the redelivered order's whole trace with every parent, every order's trace.
// Jaeger is built from the Go module proxy on first use (see jaeger.ts); without Go, skipped.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { BUILD_TIMEOUT_MS, buildJaeger, findGo, type Jaeger, startJaeger } from "./jaeger.js";
import { type DemoRun, parseResult, runDemo, waterfallOf } from "./run-demo.js";

const COUNT = 20; // orders 1..20: order 7 fails once and is redelivered; order 13 always fails: dead-lettered

const go = findGo();
if (go === undefined) {
  console.warn(
    "[helix-nats] jaeger: Go is not installed, skipping the Jaeger test (install Go 1.24+ to run it)",
  );
}

/** A span as Jaeger's query API (`/api/traces`) returns it. */
interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: { key: string; type: string; value: unknown }[];
  logs: { timestamp: number; fields: { key: string; value: unknown }[] }[];
  processID: string;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** One line of a trace's tree: a span at its depth, errors marked. */
interface Row<T> {
  depth: number;
  name: string;
  error: boolean;
  /** Orders siblings of the same name (a delivery count); without it they keep their given order. */
  rank?: number;
  item: T;
}

/**
 * The tree given as rows in depth-first order, with siblings put in one fixed order: by name, an
 * error first (the first delivery). Not by start time: the SDK's span start times have a
 * resolution of 1 ms (`Date.now()`), so siblings often share one.
 */
function canonical<T>(rows: readonly Row<T>[]): { line: string; item: T }[] {
  type Node = { row: Row<T>; children: Node[] };
  const roots: Node[] = [];
  const stack: Node[] = [];
  for (const row of rows) {
    const node = { row, children: [] };
    stack.length = row.depth;
    (stack.at(-1)?.children ?? roots).push(node);
    stack.push(node);
  }
  const out: { line: string; item: T }[] = [];
  const walk = (nodes: Node[]) => {
    const key = (n: Node) =>
      `${n.row.name}\u0000${n.row.error ? 0 : 1}\u0000${String(n.row.rank ?? 0).padStart(4, "0")}`;
    // A stable sort: siblings with the same key keep their given order.
    for (const node of [...nodes].sort((a, b) =>
      key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0,
    )) {
      const { depth, name, error, item } = node.row;
      out.push({ line: `${"  ".repeat(depth)}${name}${error ? " ERROR" : ""}`, item });
      walk(node.children);
    }
  };
  walk(roots);
  return out;
}

/** Jaeger's trace as rows: each span under the span its CHILD_OF reference names. */
function rowsOf(trace: JaegerTrace): Row<JaegerSpan>[] {
  const children = new Map<string | undefined, JaegerSpan[]>();
  for (const span of trace.spans) {
    const parent = span.references.find((r) => r.refType === "CHILD_OF")?.spanID;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const rows: Row<JaegerSpan>[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const span of children.get(parent) ?? []) {
      const error = span.tags.some((t) => t.key === "otel.status_code" && t.value === "ERROR");
      const delivery = span.tags.find((t) => t.key === "messaging.nats.message.delivery_count");
      rows.push({
        depth,
        name: span.operationName,
        error,
        rank: Number(delivery?.value ?? 0),
        item: span,
      });
      walk(span.spanID, depth + 1);
    }
  };
  walk(undefined, 0);
  return rows;
}

/** The demo's waterfall lines as rows (`  send X.created   5.02 ms │█  │  ERROR Type`). */
function rowsOfWaterfall(lines: readonly string[]): Row<string>[] {
  return lines.map((line) => {
    const m = /^ {2}( *)(\S+ \S+) +\d+\.\d\d ms │[^│]*│( {2}ERROR \S+)?$/.exec(line);
    return m
      ? { depth: (m[1] as string).length / 2, name: m[2] as string, error: !!m[3], item: line }
      : { depth: 0, name: `unparsed: ${line}`, error: false, item: line };
  });
}

/** The run's stream name, `ORDERS_<run>`. */
function streamOf(run: DemoRun): string {
  const stream = /^stream (ORDERS_\w+) /m.exec(run.stdout)?.[1];
  expect(stream, run.stdout).toBeDefined();
  return stream as string;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  expect(res.status, url).toBe(200);
  return (await res.json()) as T;
}

/** Polls `read` until `done` holds for its value (what was exported may still be in flight). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = performance.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value) || performance.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.skipIf(go === undefined)("orders demo --otlp into Jaeger v2", () => {
  let jaeger: Jaeger | undefined;
  /** One demo run, exported to Jaeger; both tests read what it left there. */
  let run: DemoRun;

  beforeAll(async () => {
    const binary = await buildJaeger(go as string, (line) => console.log(line));
    jaeger = await startJaeger(binary);
    console.log(
      `[helix-nats] jaeger: pid ${jaeger.pid}, query ${jaeger.queryUrl}, OTLP ${jaeger.otlpUrl}`,
    );
  }, BUILD_TIMEOUT_MS);

  beforeAll(async () => {
    run = await runDemo(["--count", String(COUNT), "--otlp", (jaeger as Jaeger).otlpUrl], {
      env: { NATS_URL: inject("natsUrl") },
    });
  }, 120_000);

  afterAll(async () => {
    await jaeger?.stop();
    // Stopped means gone: no Jaeger is left behind.
    if (jaeger) expect(() => process.kill((jaeger as Jaeger).pid, 0)).toThrow(/ESRCH/);
  });

  it("holds the dead-lettered order's trace, span by span and parent by parent", async () => {
    const { queryUrl, otlpUrl } = jaeger as Jaeger;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(parseResult(run.last)).toEqual({
      orders: COUNT,
      processed: COUNT - 1,
      deadLettered: 1,
      redelivered: 3,
      lost: 0,
    });
    expect(run.stdout).toContain(
      `telemetry: exporting traces and metrics to ${otlpUrl} (OTLP/HTTP)`,
    );
    const stream = streamOf(run);

    // The demo's waterfall: the trace id to look up, and its spans (names and indentation).
    const waterfall = waterfallOf(run);
    const header =
      /^trace ([0-9a-f]{32}) {2}order-13, dead-lettered {2}11 spans {2}\d+\.\d ms$/.exec(
        waterfall[0] ?? "",
      );
    expect(header, waterfall.join("\n")).not.toBeNull();
    const traceId = header?.[1] as string;
    // Its span lines (the waterfall is followed by a line with the Jaeger link).
    const printed = canonical(rowsOfWaterfall(waterfall.slice(1).filter((l) => l.includes("│"))));

    // The service, and nothing else (Jaeger's own traces are off).
    const services = await eventually(
      () => getJson<{ data: string[] | null }>(`${queryUrl}/api/services`),
      (s) => (s.data ?? []).includes("orders-demo"),
    );
    expect(services.data).toEqual(["orders-demo"]);

    // The dead-lettered order's trace: send, then three failed deliveries, each a process with its
    // KV put: the first two nak'ed (200 ms, then 400 ms: the retry schedule), the last (max_deliver
    // 3) stored in the dead-letter stream, then term'ed.
    const { data } = await eventually(
      async () => {
        const res = await fetch(`${queryUrl}/api/traces/${traceId}`);
        // 404 until the first of its spans is in.
        return res.status === 404 ? { data: [] } : ((await res.json()) as { data: JaegerTrace[] });
      },
      (t) => t.data[0]?.spans.length === 11,
    );
    expect(data).toHaveLength(1);
    const trace = data[0] as JaegerTrace;
    expect(trace.traceID).toBe(traceId);
    const tree = canonical(rowsOf(trace));
    const expected = [
      `send ${stream}.created`,
      `  process ${stream}.created ERROR`,
      `    kv.put ${stream}_state`,
      `    nak ${stream}.created`,
      `  process ${stream}.created ERROR`,
      `    kv.put ${stream}_state`,
      `    nak ${stream}.created`,
      `  process ${stream}.created ERROR`,
      `    deadletter DEAD_LETTERS_${stream}`,
      `    kv.put ${stream}_state`,
      `    term ${stream}.created`,
    ];
    expect(tree.map((r) => r.line)).toEqual(expected);
    // Jaeger and the demo's own waterfall agree.
    expect(printed.map((r) => r.line)).toEqual(expected);

    // Span by span, in that order (deliveries by delivery count, their children by name), its
    // one CHILD_OF reference (none for the root), and for the dead letter a FOLLOWS_FROM (its
    // link to the message's creation context, the send span); its service, and the tags it must
    // carry. Every process is an error (the handler threw); the settles and the dead letter not.
    const spans = tree.map((r) => r.item);
    const failed = (deliveryCount: number) => ({
      "span.kind": "consumer",
      "messaging.nats.message.delivery_count": deliveryCount,
      "otel.status_code": "ERROR",
      error: true,
      "error.type": "PaymentDeclinedError",
    });
    const put = { "span.kind": "client", "messaging.nats.kv.key": "order.13" };
    const nak = (deliveryCount: number, delayMs: number) => ({
      "span.kind": "client",
      "messaging.operation.type": "settle",
      "messaging.nats.message.delivery_count": deliveryCount,
      "messaging.nats.nak.delay_ms": delayMs,
    });
    const want: { parent?: number; link?: number; tags: Record<string, unknown> }[] = [
      { tags: { "span.kind": "producer", "messaging.message.id": "order-13" } },
      { parent: 0, tags: failed(1) },
      { parent: 1, tags: put },
      { parent: 1, tags: nak(1, 200) },
      { parent: 0, tags: failed(2) },
      { parent: 4, tags: put },
      { parent: 4, tags: nak(2, 400) },
      { parent: 0, tags: failed(3) },
      {
        parent: 7,
        link: 0,
        tags: {
          "span.kind": "client",
          "messaging.operation.name": "deadletter",
          "messaging.operation.type": "send",
          "messaging.destination.name": `DEAD_LETTERS_${stream}`,
          "messaging.nats.message.delivery_count": 3,
          "messaging.nats.deadletter.reason": "max_deliver",
          "messaging.nats.deadletter.error_type": "PaymentDeclinedError",
          "messaging.nats.deadletter.sequence": 1,
        },
      },
      { parent: 7, tags: put },
      {
        parent: 7,
        tags: {
          "span.kind": "client",
          "messaging.operation.name": "term",
          "messaging.operation.type": "settle",
          "messaging.nats.message.delivery_count": 3,
        },
      },
    ];
    expect(spans).toHaveLength(want.length);
    want.forEach(({ parent, link, tags }, i) => {
      const span = spans[i] as JaegerSpan;
      const what = `${i}: ${span.operationName}`;
      expect(span.traceID, what).toBe(traceId);
      expect(trace.processes[span.processID]?.serviceName, what).toBe("orders-demo");
      const references =
        parent === undefined
          ? []
          : [{ refType: "CHILD_OF", traceID: traceId, spanID: spans[parent]?.spanID }];
      if (link !== undefined)
        references.push({ refType: "FOLLOWS_FROM", traceID: traceId, spanID: spans[link]?.spanID });
      expect(span.references, what).toEqual(references);
      const actual = Object.fromEntries(span.tags.map((t) => [t.key, t.value]));
      expect(actual, what).toMatchObject(tags);
      if (tags.error === undefined) {
        expect(actual.error, what).toBeUndefined();
        expect(actual["otel.status_code"], what).toBeUndefined();
      }
    });
    // The failure's exception, as a span event (a log in Jaeger).
    const failure = spans[1]?.logs.map((l) =>
      Object.fromEntries(l.fields.map((f) => [f.key, f.value])),
    );
    expect(failure).toEqual([
      expect.objectContaining({
        event: "exception",
        "exception.type": "PaymentDeclinedError",
        "exception.message": "payment for order 13 declined (attempt 1)",
      }),
    ]);
  });

  it("holds one trace per order, rooted at its send, every parent in the trace", async () => {
    const { queryUrl } = jaeger as Jaeger;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const stream = streamOf(run);
    const send = `send ${stream}.created`;
    const { data: operations } = await getJson<{ data: { name: string; spanKind: string }[] }>(
      `${queryUrl}/api/operations?service=orders-demo`,
    );
    expect(operations).toContainEqual({ name: send, spanKind: "producer" });

    const { data } = await getJson<{ data: JaegerTrace[] }>(
      `${queryUrl}/api/traces?service=orders-demo&operation=${encodeURIComponent(send)}&limit=1000&lookback=1h`,
    );
    const orders = data.map((trace) => {
      const ids = new Set(trace.spans.map((s) => s.spanID));
      const roots = trace.spans.filter((s) => s.references.length === 0);
      expect(roots.map((s) => s.operationName)).toEqual([send]);
      for (const span of trace.spans) {
        for (const ref of span.references) {
          // a dead letter also links to its message's creation context (in the same trace)
          expect(ref.refType).toBe(
            span.operationName.startsWith("deadletter ") && ref.refType === "FOLLOWS_FROM"
              ? "FOLLOWS_FROM"
              : "CHILD_OF",
          );
          expect(ids.has(ref.spanID), `parent of ${span.operationName}`).toBe(true);
        }
      }
      const id = roots[0]?.tags.find((t) => t.key === "messaging.message.id")?.value;
      const deliveries = trace.spans.filter((s) => s.operationName === `process ${stream}.created`);
      return `${id} ${deliveries.length}`;
    });
    // Every order once, each delivered once, but order 7: twice, and order 13: three times.
    const deliveries = (id: number) => (id === 7 ? 2 : id === 13 ? 3 : 1);
    expect(orders.sort()).toEqual(
      Array.from({ length: COUNT }, (_, i) => `order-${i + 1} ${deliveries(i + 1)}`).sort(),
    );
  });
});
