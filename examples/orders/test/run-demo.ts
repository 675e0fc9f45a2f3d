// Runs the demo as `npm run demo` does: the command of the example's `demo` script (node with the
// example's tsx loader and the source condition), as a child process.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The `demo` script of package.json, split into the program and its arguments. */
function demoCommand(): [string, string[]] {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    scripts: { demo: string };
  };
  const [program, ...args] = pkg.scripts.demo.split(" ");
  // `node` is the node running the tests, as pnpm would find it first on PATH.
  return [program === "node" ? process.execPath : (program as string), args];
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Own process group, as a command started from a shell: `kill(-pid)` reaches the server too. */
  detached?: boolean;
  /** Called with all of stdout so far, after each chunk. */
  onStdout?: (stdout: string, child: ChildProcess) => void;
  timeoutMs?: number;
}

export interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
  /** The last non-empty line of stdout. */
  last: string;
}

/**
 * Runs `npm run demo -- <args>` the way that script does. The environment is the test's, minus
 * NATS_URL and OTEL_EXPORTER_OTLP_ENDPOINT, plus `env`. Killed after `timeoutMs`.
 */
export function runDemo(args: readonly string[], options: RunOptions = {}): Promise<DemoRun> {
  const { env = {}, detached = false, onStdout, timeoutMs = 90_000 } = options;
  const [program, demoArgs] = demoCommand();
  const base = { ...process.env };
  delete base.NATS_URL;
  delete base.OTEL_EXPORTER_OTLP_ENDPOINT;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...demoArgs, ...args], {
      cwd: root,
      env: { ...base, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      onStdout?.(stdout, child);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const lines = stdout.split("\n");
      const last = lines.filter((l) => l.trim() !== "").at(-1) ?? "";
      resolve({ code, stdout, stderr, lines, last });
    });
  });
}

/** The final result line, parsed; `undefined` when it does not have the expected shape. */
export function parseResult(
  line: string,
):
  | { orders: number; processed: number; deadLettered: number; redelivered: number; lost: number }
  | undefined {
  const m =
    /^(\d+) orders, (\d+) processed, (\d+) dead-lettered, (\d+) redelivered, (\d+) lost$/.exec(
      line,
    );
  if (!m) return undefined;
  return {
    orders: Number(m[1]),
    processed: Number(m[2]),
    deadLettered: Number(m[3]),
    redelivered: Number(m[4]),
    lost: Number(m[5]),
  };
}

/** The waterfall: the `trace …` line and the span lines after it, up to the first blank line. */
export function waterfallOf(run: DemoRun): string[] {
  const start = run.lines.findIndex((l) => l.startsWith("trace "));
  if (start < 0) return [];
  const end = run.lines.findIndex((l, i) => i > start && l.trim() === "");
  return run.lines.slice(start, end < 0 ? undefined : end);
}
