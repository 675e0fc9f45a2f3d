/**
 * The helix-nats benchmark suite: every case measured for the raw `@nats-io/*` client and three
 * helix variants, alternating the variants within each round, several rounds, medians and
 * same-round ratios to the raw client. See bench/README.md for the method.
 *
 * Run: pnpm bench (about 12 minutes) or pnpm bench:quick (about 2 minutes).
 * Options: --quick, --rounds=N, --only=<case id,...>, --variants=<id,...> (the raw client always
 * runs), --no-memory, --count-writes (socket writes per operation, a diagnostic).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "@helix/nats-testing";
import { jetstreamManager } from "@nats-io/jetstream";
import type { BenchCase, Sample } from "./bench-case.js";
import { ConsumeStream, consumeAckCase, consumeCase, fetchCase } from "./cases/consume.js";
import { kvCase } from "./cases/kv.js";
import { publishAsyncCase, publishCase } from "./cases/publish.js";
import { publishSubscribeCase, requestReplyCase } from "./cases/pubsub.js";
import { describeMachine, machineLine } from "./machine.js";
import { type MemoryResult, memoryRun } from "./memory.js";
import {
  type CaseResult,
  caseTable,
  markdownTable,
  memoryLine,
  summarise,
  targetLines,
  targetTable,
} from "./report.js";
import { ServerState } from "./server-state.js";
import { countSocketWrites } from "./socket-writes.js";
import { openVariants, type Variant, type VariantId } from "./variants.js";

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const quick = args.includes("--quick");
const ROUNDS = Number(flag("rounds") ?? (quick ? 3 : 11));
const only = flag("only")?.split(",");
/** Measure only these variants (the raw client always runs: ratios need it), for profiling. */
const onlyVariants = flag("variants")?.split(",");
const memory = !args.includes("--no-memory") && (only === undefined || only.includes("memory"));
const socketWrites = args.includes("--count-writes") ? countSocketWrites() : undefined;
const MEMORY_MESSAGES = Number(flag("memory-messages") ?? (quick ? 20_000 : 1_000_000));
/** Operations per measurement in a full run; `--quick` uses a fifth. */
const scale = (n: number) => (quick ? Math.max(100, Math.round(n / 5 / 100) * 100) : n);

const bench = dirname(dirname(fileURLToPath(import.meta.url)));
const outDir = join(bench, ".out");

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** The order of `c`'s variants in round `round`: rotated, so each one runs in every position. */
function orderFor(c: BenchCase, round: number): VariantId[] {
  const ids = c.variants.filter((id) => id === "raw" || !onlyVariants || onlyVariants.includes(id));
  const k = round % ids.length;
  return [...ids.slice(k), ...ids.slice(0, k)];
}

async function measureOnce(c: BenchCase, v: Variant, n: number): Promise<Sample> {
  if (process.env.BENCH_DEBUG) console.error(`${c.id} ${v.id} ${n}`);
  gc();
  const exit = v.enter();
  try {
    const writes = socketWrites?.() ?? 0;
    const sample = await c.measure(v, n);
    return socketWrites ? { ...sample, writesPerOp: (socketWrites() - writes) / n } : sample;
  } finally {
    exit();
    await v.flush();
  }
}

async function runCase(c: BenchCase, variants: Record<VariantId, Variant>): Promise<CaseResult> {
  await c.setup?.();
  for (const id of orderFor(c, 0)) await measureOnce(c, variants[id], c.warmupCount);
  const rounds: Partial<Record<VariantId, Sample>>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const samples: Partial<Record<VariantId, Sample>> = {};
    for (const id of orderFor(c, round)) samples[id] = await measureOnce(c, variants[id], c.count);
    rounds.push(samples);
  }
  await c.teardown?.();
  return summarise(c, rounds);
}

async function main(): Promise<void> {
  const started = Date.now();
  const server = await startServer();
  const variants = await openVariants(server.url);
  const raw = variants.raw;
  if (raw.id !== "raw") throw new Error("unreachable");
  const state = new ServerState(await jetstreamManager(raw.nc), raw.js);
  const machine = describeMachine(raw.nc.info?.version ?? "unknown");
  const consumeStream = new ConsumeStream(state);

  const cases: BenchCase[] = [
    publishCase(state, 128, scale(3_000), 300),
    publishCase(state, 16 * 1024, scale(2_000), 200),
    publishAsyncCase(state, 128, scale(30_000), 3_000),
    publishAsyncCase(state, 16 * 1024, scale(6_000), 600),
    consumeCase(consumeStream, scale(30_000), 3_000),
    consumeAckCase(consumeStream, scale(30_000), 3_000),
    fetchCase(consumeStream, scale(30_000), 3_000),
    kvCase(state, "put", scale(3_000), 300),
    kvCase(state, "get", scale(4_000), 400),
    requestReplyCase(state, 128, scale(4_000), 400),
    publishSubscribeCase(state, 128, scale(100_000), 10_000),
  ].filter((c) => only === undefined || only.includes(c.id));

  console.log(`helix-nats bench${quick ? " (quick)" : ""}: ${machineLine(machine)}`);
  console.log(
    `${ROUNDS} rounds; in each, every variant runs once, in rotating order; ratio = rate / raw rate in the same round, median over rounds\n`,
  );
  const results: CaseResult[] = [];
  let memoryResult: MemoryResult | undefined;
  try {
    for (const c of cases) {
      const result = await runCase(c, variants);
      results.push(result);
      console.log(`${caseTable(result, ROUNDS, c.latency)}\n`);
    }
    if (memory) {
      memoryResult = await memoryRun(variants["otel+sdk"], consumeStream, MEMORY_MESSAGES);
      console.log(`${memoryLine(memoryResult)}\n`);
    }
    await consumeStream.delete();
  } finally {
    for (const v of Object.values(variants)) await v.close();
    await server.stop();
  }

  const targets = targetLines(results);
  const seconds = Math.round((Date.now() - started) / 1000);
  const markdown = `${markdownTable(results)}\n\n${targetTable(results)}`;
  console.log(`Markdown (rate, and in brackets the ratio to the raw client; then the targets):\n`);
  console.log(`${markdown}\n`);
  console.log(`Machine: ${machineLine(machine)}`);
  console.log(`Targets met: ${targets.met.length}, missed: ${targets.missed.length}`);
  for (const line of targets.missed) console.log(`  MISSED ${line}`);
  console.log(`Total ${seconds} s`);

  mkdirSync(outDir, { recursive: true });
  const json = {
    date: new Date().toISOString(),
    mode: quick ? "quick" : "full",
    rounds: ROUNDS,
    seconds,
    machine,
    machineLine: machineLine(machine),
    cases: results,
    memory: memoryResult,
    targets,
  };
  writeFileSync(join(outDir, "results.json"), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(outDir, "results.md"), `${markdown}\n\nMachine: ${machineLine(machine)}\n`);
  console.log(`Results: ${join(outDir, "results.json")}`);
}

await main();
