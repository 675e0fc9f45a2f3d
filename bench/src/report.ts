import type { BenchCase, Sample } from "./bench-case.js";
import type { MemoryResult } from "./memory.js";
import { median } from "./stats.js";
import { targetFor } from "./targets.js";
import { VARIANT_IDS, VARIANT_LABELS, type VariantId } from "./variants.js";

export interface VariantResult {
  /** Median rate over the rounds. */
  rate: number;
  /** Median over the rounds of (this variant's rate / the raw client's rate in the same round). */
  ratio: number;
  rates: number[];
  ratios: number[];
  p50Ms?: number;
  p99Ms?: number;
  /** Median CPU time of the client process per operation (µs), over the timed section. */
  cpuUsPerOp: number;
  /** Median socket writes per operation (with `--count-writes` only). */
  writesPerOp?: number;
  target?: number;
  met?: boolean;
}

export interface CaseResult {
  id: string;
  title: string;
  unit: string;
  count: number;
  variants: Partial<Record<VariantId, VariantResult>>;
}

/** Rounds of samples (each round: one sample per variant) → medians and same-round ratios. */
export function summarise(c: BenchCase, rounds: Record<VariantId, Sample>[]): CaseResult {
  const variants: Partial<Record<VariantId, VariantResult>> = {};
  for (const id of VARIANT_IDS) {
    if (rounds.some((r) => r[id] === undefined)) continue; // not measured (--variants)
    const samples = rounds.map((r) => r[id]);
    const ratios = rounds.map((r) => r[id].rate / r.raw.rate);
    const ratio = median(ratios);
    const target = targetFor(id, c.group);
    const result: VariantResult = {
      rate: median(samples.map((s) => s.rate)),
      ratio,
      rates: samples.map((s) => round(s.rate, 1)),
      ratios: ratios.map((r) => round(r, 3)),
      cpuUsPerOp: round(median(samples.map((s) => s.cpuUsPerOp ?? Number.NaN)), 2),
    };
    if (samples.every((s) => s.writesPerOp !== undefined)) {
      result.writesPerOp = round(median(samples.map((s) => s.writesPerOp as number)), 3);
    }
    if (c.latency) {
      result.p50Ms = median(samples.map((s) => s.p50Ms ?? Number.NaN));
      result.p99Ms = median(samples.map((s) => s.p99Ms ?? Number.NaN));
    }
    if (target !== undefined) {
      result.target = target;
      result.met = ratio >= target;
    }
    variants[id] = result;
  }
  return { id: c.id, title: c.title, unit: c.unit, count: c.count, variants };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number | undefined) => (n === undefined ? "" : n.toFixed(3));

/** A fixed-width table for the terminal. */
export function caseTable(r: CaseResult, rounds: number, latency: boolean): string {
  const head = [
    "variant".padEnd(22),
    r.unit.padStart(10),
    ...(latency ? ["p50 ms".padStart(8), "p99 ms".padStart(8)] : []),
    "ratio".padStart(7),
    "CPU µs/op".padStart(10),
    "target".padStart(8),
    "",
  ];
  const lines = [
    `${r.title}: ${r.count.toLocaleString("en-US")} ops per measurement, median of ${rounds} rounds`,
    `  ${head.join("  ")}`,
  ];
  for (const id of VARIANT_IDS) {
    const v = r.variants[id];
    if (v === undefined) continue;
    const cells = [
      VARIANT_LABELS[id].padEnd(22),
      int(v.rate).padStart(10),
      ...(latency ? [ms(v.p50Ms).padStart(8), ms(v.p99Ms).padStart(8)] : []),
      v.ratio.toFixed(2).padStart(7),
      v.cpuUsPerOp.toFixed(1).padStart(10),
      (v.target === undefined ? "" : `>= ${v.target.toFixed(2)}`).padStart(8),
      v.met === undefined ? "" : v.met ? "ok" : "MISSED",
      v.writesPerOp === undefined ? "" : `${v.writesPerOp} writes/op`,
    ];
    lines.push(`  ${cells.join("  ")}`.trimEnd());
  }
  return lines.join("\n");
}

/** One markdown table of every case, for the README: rate and (ratio to raw) per variant. */
export function markdownTable(results: CaseResult[]): string {
  const lines = [
    `| case | ${VARIANT_IDS.map((id) => VARIANT_LABELS[id]).join(" | ")} |`,
    `| --- | ${VARIANT_IDS.map(() => "---:").join(" | ")} |`,
  ];
  for (const r of results) {
    const cells = VARIANT_IDS.map((id) => {
      const v = r.variants[id];
      if (v === undefined) return "–";
      const latency = v.p50Ms === undefined ? "" : ` · p50 ${ms(v.p50Ms)} / p99 ${ms(v.p99Ms)} ms`;
      const ratio = id === "raw" ? "" : ` (${v.ratio.toFixed(2)}${v.met === false ? " ✗" : ""})`;
      return `${int(v.rate)}${ratio}${latency}`;
    });
    lines.push(`| ${r.title} (${r.unit}) | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** Every target, met or missed. */
export function targetLines(results: CaseResult[]): { met: string[]; missed: string[] } {
  const met: string[] = [];
  const missed: string[] = [];
  for (const r of results) {
    for (const id of VARIANT_IDS) {
      const v = r.variants[id];
      if (v?.target === undefined) continue;
      const line = `${r.title} / ${VARIANT_LABELS[id]}: ${v.ratio.toFixed(2)} (target ${v.target.toFixed(2)})`;
      (v.met ? met : missed).push(line);
    }
  }
  return { met, missed };
}

export function memoryLine(m: MemoryResult): string {
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  const points = m.checkpoints
    .map((c) => `${c.messages.toLocaleString("en-US")}: ${mib(c.heapBytes)}`)
    .join(", ");
  return [
    `memory, consume with otel + SDK, ${m.messages.toLocaleString("en-US")} messages: heap after GC ${mib(m.heapStartBytes)} MiB after ${m.warmMessages.toLocaleString("en-US")} messages, ${mib(m.heapEndBytes)} MiB at the end`,
    `  growth ${(m.growthBytes / 1024).toFixed(0)} KiB (${m.growthBytesPerMessage.toFixed(2)} B/message): ${m.flat ? "flat" : "GROWING"}; checkpoints (messages: MiB) ${points}`,
  ].join("\n");
}
