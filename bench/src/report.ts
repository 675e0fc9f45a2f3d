import type { BenchCase, Sample } from "./bench-case.js";
import type { MemoryResult } from "./memory.js";
import { median } from "./stats.js";
import { targetsFor } from "./targets.js";
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
}

/** One target on one case: the median of the same-round ratios `variant / over`. */
export interface TargetResult {
  label: string;
  variant: VariantId;
  over: VariantId;
  min: number;
  ratio: number;
  ratios: number[];
  met: boolean;
}

export interface CaseResult {
  id: string;
  title: string;
  unit: string;
  count: number;
  variants: Partial<Record<VariantId, VariantResult>>;
  targets: TargetResult[];
}

/** Rounds of samples (each round: one sample per variant) → medians and same-round ratios. */
export function summarise(c: BenchCase, rounds: Partial<Record<VariantId, Sample>>[]): CaseResult {
  const variants: Partial<Record<VariantId, VariantResult>> = {};
  const rate = (r: Partial<Record<VariantId, Sample>>, id: VariantId) => r[id]?.rate ?? Number.NaN;
  for (const id of VARIANT_IDS) {
    if (rounds.some((r) => r[id] === undefined)) continue; // not measured
    const samples = rounds.map((r) => r[id] as Sample);
    const ratios = rounds.map((r) => rate(r, id) / rate(r, "raw"));
    const result: VariantResult = {
      rate: median(samples.map((s) => s.rate)),
      ratio: median(ratios),
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
    variants[id] = result;
  }
  const targets: TargetResult[] = [];
  for (const t of targetsFor(c.id)) {
    if (variants[t.variant] === undefined || variants[t.over] === undefined) continue;
    const ratios = rounds.map((r) => rate(r, t.variant) / rate(r, t.over));
    const ratio = median(ratios);
    targets.push({
      label: t.label,
      variant: t.variant,
      over: t.over,
      min: t.min,
      ratio: round(ratio, 3),
      ratios: ratios.map((r) => round(r, 3)),
      met: ratio >= t.min,
    });
  }
  return { id: c.id, title: c.title, unit: c.unit, count: c.count, variants, targets };
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
    "variant".padEnd(44),
    r.unit.padStart(10),
    ...(latency ? ["p50 ms".padStart(8), "p99 ms".padStart(8)] : []),
    "/ raw".padStart(7),
    "CPU µs/op".padStart(10),
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
      VARIANT_LABELS[id].padEnd(44),
      int(v.rate).padStart(10),
      ...(latency ? [ms(v.p50Ms).padStart(8), ms(v.p99Ms).padStart(8)] : []),
      v.ratio.toFixed(2).padStart(7),
      v.cpuUsPerOp.toFixed(1).padStart(10),
      v.writesPerOp === undefined ? "" : `${v.writesPerOp} writes/op`,
    ];
    lines.push(`  ${cells.join("  ")}`.trimEnd());
  }
  for (const t of r.targets) {
    lines.push(`  target: ${targetText(t)}  ${t.met ? "ok" : "MISSED"}`);
  }
  return lines.join("\n");
}

function targetText(t: TargetResult): string {
  return `${VARIANT_LABELS[t.variant]} / ${VARIANT_LABELS[t.over]} = ${t.ratio.toFixed(2)} (>= ${t.min.toFixed(2)})`;
}

/** The columns of the README table, in this order; other variants are in the targets table. */
const TABLE_COLUMNS: readonly VariantId[] = [
  "raw",
  "raw+id",
  "raw+trace",
  "raw+trace@1%",
  "helix",
  "otel",
  "otel-same",
  "otel-same@1%",
  "otel+sdk",
  "otel+sdk@1%",
];

/** One markdown table of every case, for the README: rate and (ratio to raw) per variant. */
export function markdownTable(results: CaseResult[]): string {
  const columns = TABLE_COLUMNS.filter((id) => results.some((r) => r.variants[id] !== undefined));
  const lines = [
    `| case | ${columns.map((id) => VARIANT_LABELS[id]).join(" | ")} |`,
    `| --- | ${columns.map(() => "---:").join(" | ")} |`,
  ];
  for (const r of results) {
    const cells = columns.map((id) => {
      const v = r.variants[id];
      if (v === undefined) return "–";
      const latency = v.p50Ms === undefined ? "" : ` · p50 ${ms(v.p50Ms)} / p99 ${ms(v.p99Ms)} ms`;
      const ratio = id === "raw" ? "" : ` (${v.ratio.toFixed(2)})`;
      return `${int(v.rate)}${ratio}${latency}`;
    });
    lines.push(`| ${r.title} (${r.unit}) | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** The targets, one row per target and case, for the README. */
export function targetTable(results: CaseResult[]): string {
  const lines = [
    "| target | case | ratio (median of rounds) | min | |",
    "| --- | --- | ---: | ---: | --- |",
  ];
  for (const r of results) {
    for (const t of r.targets) {
      lines.push(
        `| ${t.label} (\`${t.variant}\` / \`${t.over}\`) | ${r.title} | ${t.ratio.toFixed(2)} | ${t.min.toFixed(2)} | ${t.met ? "met" : "✗ missed"} |`,
      );
    }
  }
  return lines.join("\n");
}

/** Every target, met or missed. */
export function targetLines(results: CaseResult[]): { met: string[]; missed: string[] } {
  const met: string[] = [];
  const missed: string[] = [];
  for (const r of results) {
    for (const t of r.targets) (t.met ? met : missed).push(`${r.title}: ${targetText(t)}`);
  }
  return { met, missed };
}

export function memoryLine(m: MemoryResult): string {
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  const points = m.checkpoints
    .map((c) => `${c.messages.toLocaleString("en-US")}: ${mib(c.heapBytes)}`)
    .join(", ");
  return [
    `memory, consume with otel + always-on SDK, ${m.messages.toLocaleString("en-US")} messages (${int(m.rate)} msg/s): heap after GC ${mib(m.heapStartBytes)} MiB after ${m.warmMessages.toLocaleString("en-US")} messages, ${mib(m.heapEndBytes)} MiB at the end (${(m.growthRatio * 100).toFixed(1)}%): ${m.flat ? "flat" : "GROWING"}`,
    `  checkpoints (messages: MiB) ${points}`,
    `  handles before ${JSON.stringify(m.handlesBefore)}, after ${JSON.stringify(m.handlesAfter)}; listeners before ${m.listenersBefore}, after ${m.listenersAfter}: ${m.handlesSame ? "same" : "DIFFERENT"}`,
  ].join("\n");
}
