import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

/** Where every fault test appends its measured figures, one JSON object per line (gitignored). */
export const FIGURES_FILE = join(import.meta.dirname, "../../../.cache/reliability/faults.json");

/** A measured figure: a count, a duration in ms, or a short label. */
export type Figure = number | string | boolean | null | readonly number[] | Record<string, number>;

/**
 * Prints one line `[faults] <fault>: key=value …` and appends
 * `{ fault, at, ...figures }` as one JSON line to `.cache/reliability/faults.json`, so the lead
 * can read what each fault run measured (pause lengths, counts) without parsing logs.
 */
export function recordFigures(fault: string, figures: Record<string, Figure>): void {
  const line = Object.entries(figures)
    .map(([key, value]) => `${key}=${typeof value === "object" ? JSON.stringify(value) : value}`)
    .join(" ");
  console.info(`[faults] ${fault}: ${line}`);
  mkdirSync(dirname(FIGURES_FILE), { recursive: true });
  appendFileSync(
    FIGURES_FILE,
    `${JSON.stringify({ fault, at: new Date().toISOString(), ...figures })}\n`,
  );
}
