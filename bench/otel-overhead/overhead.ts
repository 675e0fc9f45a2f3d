/**
 * What the otel plugin costs when no OpenTelemetry SDK is registered: the case of a library
 * user who installs the plugin but has not (yet) wired an SDK. Two measurements, each plugin vs
 * no plugin, alternating variants over several rounds and reporting the median:
 *
 * 1. The middleware alone, with a terminal that does no I/O: the plugin's added nanoseconds
 *    per publish and per processed message.
 * 2. End to end against a real nats-server: sequential `publish` and `consume` with auto-ack.
 *
 * Run: pnpm bench:otel (or bench:otel:quick) in bench/, or node otel-overhead/run.mjs [--quick].
 */
import { createConsumerManager } from "@helix/nats-consumer";
import {
  type ClientInfo,
  type Connection,
  connect,
  copyHeaders,
  type DeliveredMessage,
  MiddlewareStack,
  type Operation,
  type Plugin,
} from "@helix/nats-core";
import { otel } from "@helix/nats-otel";
import { createPublisher } from "@helix/nats-stream";
import { startServer } from "@helix/nats-testing";
import { createSdk } from "../src/sdk.js";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 7;
const STACK_OPS = quick ? 50_000 : 200_000;
const PUBLISHES = quick ? 1_000 : 4_000;
const CONSUMED = quick ? 5_000 : 20_000;

type Variant = "without plugin" | "with plugin" | "with plugin and SDK";
const VARIANTS: readonly Variant[] = ["without plugin", "with plugin", "with plugin and SDK"];

function pluginsFor(v: Variant): Plugin[] {
  if (v === "with plugin") return [otel()];
  // The suite's sampled SDK, its metrics collected once a minute rather than every 10 s.
  if (v === "with plugin and SDK") return [createSdk({ exportIntervalMillis: 60_000 }).plugin];
  return [];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Runs `measure` for each variant, alternating, `ROUNDS` times; medians by variant. */
async function alternate(measure: (v: Variant) => Promise<number>): Promise<Map<Variant, number>> {
  const samples = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const v of order) samples.get(v)?.push(await measure(v));
  }
  return new Map(VARIANTS.map((v) => [v, median(samples.get(v) ?? [])]));
}

// 1. The middleware alone ---------------------------------------------------------------------

const client: ClientInfo = { name: "bench", serverAddress: "127.0.0.1", serverPort: 4222 };
const payload = new Uint8Array(128);
const message: DeliveredMessage = {
  subject: "orders.created",
  headers: copyHeaders({ "Nats-Msg-Id": "m-1" }),
  data: payload,
  info: {
    stream: "ORDERS",
    consumer: "billing",
    streamSequence: 1,
    deliverySequence: 1,
    deliveryCount: 1,
    pending: 0,
    timestampMs: 0,
  },
};
const operations: Record<string, () => Operation> = {
  publish: () => ({
    kind: "publish",
    client,
    subject: "orders.created",
    headers: copyHeaders(),
    payload,
    msgID: "m-1",
    async: false,
    attempt: 1,
  }),
  process: () => ({ kind: "process", client, stream: "ORDERS", consumer: "billing", message }),
  ack: () => ({ kind: "settle", client, action: "ack", message }),
};

function stackFor(v: Variant): MiddlewareStack {
  const stack = new MiddlewareStack();
  for (const plugin of pluginsFor(v)) plugin.install(stack);
  return stack;
}

async function stackNsPerOp(kind: string, v: Variant): Promise<number> {
  const stack = stackFor(v);
  const make = operations[kind] as () => Operation;
  const terminal = () => Promise.resolve(undefined);
  for (let i = 0; i < 5_000; i++) await stack.run(make(), terminal); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < STACK_OPS; i++) await stack.run(make(), terminal);
  return Number(process.hrtime.bigint() - start) / STACK_OPS;
}

// 2. End to end -------------------------------------------------------------------------------

async function publishRate(conns: Record<Variant, Connection>, stream: string, v: Variant) {
  const pub = createPublisher(conns[v]);
  const data = new Uint8Array(128);
  const start = performance.now();
  for (let i = 0; i < PUBLISHES; i++) await pub.publish(`${stream}.p`, data);
  return PUBLISHES / ((performance.now() - start) / 1000);
}

let consumerSeq = 0;
async function consumeRate(conns: Record<Variant, Connection>, stream: string, v: Variant) {
  const conn = conns[v];
  const consumer = await createConsumerManager(conn).createOrUpdate(stream, {
    durable_name: `c${++consumerSeq}`,
    ack_policy: "explicit",
    filter_subject: `${stream}.c`,
  });
  let seen = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const start = performance.now();
  const ctx = consumer.consume(() => {
    if (++seen === CONSUMED) done();
  });
  await finished;
  const rate = CONSUMED / ((performance.now() - start) / 1000);
  await ctx.drain();
  return rate;
}

// Report ---------------------------------------------------------------------------------------

function row(label: string, results: Map<Variant, number>, unit: string, higherIsBetter: boolean) {
  const base = results.get("without plugin") as number;
  const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));
  const cells = VARIANTS.map((v) => {
    const value = results.get(v) as number;
    if (v === "without plugin") return `${fmt(value)} ${unit}`;
    const ratio = higherIsBetter ? value / base : base / value;
    return `${fmt(value)} ${unit} (${ratio.toFixed(2)})`;
  });
  return `| ${label} | ${cells.join(" | ")} |`;
}

async function main() {
  const lines = [
    "| case | without plugin | with plugin, no SDK | with plugin and a sampled SDK |",
    "| ---- | -------------- | ------------------- | ----------------------------- |",
  ];
  const added: string[] = [];
  for (const kind of Object.keys(operations)) {
    const r = await alternate((v) => stackNsPerOp(kind, v));
    lines.push(row(`middleware only: ${kind}`, r, "ns/op", false));
    const base = r.get("without plugin") as number;
    const idle = (r.get("with plugin") as number) - base;
    const sdk = (r.get("with plugin and SDK") as number) - base;
    added.push(
      `${kind}: +${idle.toFixed(0)} ns without an SDK, +${(sdk / 1000).toFixed(2)} µs with one`,
    );
  }

  const server = await startServer();
  try {
    const conns = {} as Record<Variant, Connection>;
    for (const v of VARIANTS) {
      conns[v] = await connect({ addresses: [server.url], name: "bench", plugins: pluginsFor(v) });
    }
    const jsm = await conns["without plugin"].manager();
    await jsm.streams.add({ name: "BENCH", subjects: ["BENCH.>"] });
    lines.push(
      row(
        "publish (sequential, 128 B)",
        await alternate((v) => publishRate(conns, "BENCH", v)),
        "msg/s",
        true,
      ),
    );

    const raw = conns["without plugin"].jetstream;
    const total = CONSUMED * ROUNDS * VARIANTS.length;
    for (let sent = 0; sent < total; ) {
      const batch = [];
      for (let i = 0; i < 1_000 && sent < total; i++, sent++)
        batch.push(raw.publish("BENCH.c", payload));
      await Promise.all(batch);
    }
    // Each round's consumer starts from the beginning of BENCH.c: CONSUMED of them are read.
    lines.push(
      row(
        "consume (auto-ack, 128 B)",
        await alternate((v) => consumeRate(conns, "BENCH", v)),
        "msg/s",
        true,
      ),
    );
    for (const c of Object.values(conns)) await c.close();
  } finally {
    await server.stop();
  }

  console.log(
    `\n${ROUNDS} rounds, medians; in brackets the ratio to "without plugin" (1.00 = no cost).`,
  );
  console.log(`Node ${process.version}, ${process.platform}/${process.arch}\n`);
  console.log(lines.join("\n"));
  console.log(`\nAdded per operation by the plugin: ${added.join("; ")}`);
}

await main();
