#!/usr/bin/env node
// Every check and every test, in one command: typecheck, lint, package exports, API reference,
// then vitest (unit and integration projects). Ends with one plain line:
// `N passed, N failed, N skipped`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const results = join(root, ".cache", "vitest-results.json");
const vitestArgs = process.argv.slice(2);

function step(title, cmd, argv) {
  console.log(`\n[helix-nats] ${title}`);
  const result = spawnSync(cmd, argv, { stdio: "inherit", cwd: root, env: process.env });
  return result.status ?? 1;
}

const failures = [];
if (
  step("typecheck", "pnpm", [
    "exec",
    "turbo",
    "run",
    "typecheck",
    "typecheck:root",
    "--output-logs=errors-only",
  ]) !== 0
)
  failures.push("typecheck");
if (
  step("lint (biome)", "pnpm", [
    "exec",
    "turbo",
    "run",
    "lint",
    "lint:root",
    "--output-logs=errors-only",
  ]) !== 0
)
  failures.push("lint");
if (
  step("package exports (publint, attw)", "pnpm", [
    "exec",
    "turbo",
    "run",
    "check:exports",
    "--output-logs=errors-only",
  ]) !== 0
) {
  failures.push("check:exports");
}
// The API reference: typedoc fails on a missing doc comment, an unexported public type or a
// broken link (typedoc.json). `pnpm run docs`, not `pnpm docs`: pnpm's own `docs` command wins.
if (step("api reference (typedoc)", "pnpm", ["run", "docs"]) !== 0) failures.push("docs");

mkdirSync(dirname(results), { recursive: true });
rmSync(results, { force: true });
const vitestStatus = step("tests (vitest: unit and integration)", "pnpm", [
  "exec",
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${results}`,
  ...vitestArgs,
]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(results)) {
  const report = JSON.parse(readFileSync(results, "utf8"));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (vitestStatus !== 0 && failed === 0) failures.push("vitest (a suite failed outside a test)");
} else {
  failures.push("vitest (no results were written)");
}
if (failed > 0) failures.push("tests");
if (failures.length > 0) console.log(`\n[helix-nats] failed: ${failures.join(", ")}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failures.length > 0 ? 1 : 0);
