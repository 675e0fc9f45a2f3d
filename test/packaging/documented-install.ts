// The `npm install` lines the READMEs show, taken out of the READMEs and run as a user runs them:
// as written, in their order, in an empty project. This repository's packages are not on the
// registry, so `@helix/<name>` becomes its packed tarball; every other package (the
// OpenTelemetry API and SDK among them) comes from the npm registry, as it would for a user.
import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  FLOOR_SERVER_VERSION,
  normalizeServerVersion,
} from "../../packages/nats-testing/src/index.js";
import { SERVER_VERSIONS_ENV } from "../server-matrix.js";
import type { ProjectDir, Tarball } from "./packed-project.js";
import { repoRoot } from "./packed-project.js";

/**
 * What npm resolves does not depend on the server: the install checks run in one project of the
 * server matrix only, the floor's (or the first of `HELIX_NATS_SERVER_VERSIONS`, or `NATS_URL`'s).
 */
export function installChecksRunOn(serverVersion: string): boolean {
  if (serverVersion === "external") return true;
  const listed = (process.env[SERVER_VERSIONS_ENV] ?? "")
    .split(",")
    .filter((v) => v.trim() !== "")
    .map((v) => normalizeServerVersion(v));
  return serverVersion === (listed[0] ?? FLOOR_SERVER_VERSION);
}

const parse = (version: string) => version.split(".").map(Number) as [number, number, number];

function compare(a: string, b: string): number {
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return 0;
}

/**
 * Whether a release `version` is inside `range`, for the ranges these packages use: `^x.y.z` with
 * x ≥ 1, or space-separated `>=x.y.z` / `<x.y.z` comparators. Throws on anything else.
 */
export function inRange(version: string, range: string): boolean {
  return range.split(/\s+/).every((comparator) => {
    const m = /^(\^|>=|<)(\d+\.\d+\.\d+)$/.exec(comparator);
    if (m === null) throw new Error(`inRange: cannot read the range "${range}"`);
    const [, op, bound] = m as unknown as [string, string, string];
    if (op === ">=") return compare(version, bound) >= 0;
    if (op === "<") return compare(version, bound) < 0;
    const major = parse(bound)[0];
    if (major < 1) throw new Error(`inRange: ^0.x is not supported ("${range}")`);
    return compare(version, bound) >= 0 && parse(version)[0] === major;
  });
}

/**
 * The arguments after `npm install` of each line of the first ```sh block under `heading` (the
 * file's first block without one). Comments are dropped; a line that is not `npm install` throws,
 * so a README that changes its commands cannot be skipped over silently.
 */
export async function documentedInstallLines(
  readme: string,
  heading?: string,
): Promise<string[][]> {
  const text = await readFile(join(repoRoot, readme), "utf8");
  const from = heading === undefined ? 0 : text.indexOf(`\n${heading}\n`);
  if (from < 0) throw new Error(`${readme} has no heading "${heading}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(from))?.[1];
  if (block === undefined) throw new Error(`${readme} has no sh block under "${heading}"`);
  return block
    .split("\n")
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line !== "")
    .map((line) => {
      const [npm, install, ...args] = line.split(/\s+/);
      if (npm !== "npm" || install !== "install") {
        throw new Error(`${readme}: "${line}" is not an npm install line`);
      }
      return args;
    });
}

/** One line as run: the README's words, and how long npm took (ms). */
export interface InstallRun {
  line: string;
  ms: number;
}

/**
 * Runs each line with npm in `project`, in order; `@helix/<name>` is replaced by its tarball.
 * Only `--no-audit --no-fund` are added (they change what npm prints, not what it resolves).
 * Rejects with npm's output on the first line that fails.
 */
export async function runInstallLines(
  project: ProjectDir,
  lines: string[][],
  tarballs: Tarball[],
): Promise<InstallRun[]> {
  const runs: InstallRun[] = [];
  for (const args of lines) {
    const resolved = args.map((arg) => {
      if (!arg.startsWith("@helix/")) return arg;
      const tarball = tarballs.find((t) => t.name === arg);
      if (tarball === undefined) throw new Error(`no tarball for ${arg}`);
      return tarball.filename;
    });
    const started = performance.now();
    await project.exec("npm", ["install", ...resolved, "--no-audit", "--no-fund"]);
    runs.push({
      line: `npm install ${args.join(" ")}`,
      ms: Math.round(performance.now() - started),
    });
  }
  return runs;
}

interface LsNode {
  version?: string;
  dependencies?: Record<string, LsNode>;
}

/** What npm resolved for OpenTelemetry in a project, read back from npm and node_modules. */
export interface ResolvedOtel {
  /** Every version of `@opentelemetry/api` in the tree: one copy is one entry. */
  apiVersions: string[];
  /** `@opentelemetry/sdk-node` as installed, with the API range it asks for. */
  sdkNode: { version: string; api: string } | undefined;
  /** The API range the installed `@helix/nats-otel` asks for. */
  natsOtelApi: string | undefined;
}

async function installedManifest(project: ProjectDir, name: string) {
  try {
    const file = join(project.dir, "node_modules", name, "package.json");
    return JSON.parse(await readFile(file, "utf8")) as {
      version: string;
      peerDependencies?: Record<string, string>;
    };
  } catch {
    return undefined;
  }
}

/**
 * `npm ls` over the whole tree: it exits non-zero (and this rejects with its output) when any
 * installed package's dependency or peer range is not met, e.g. an `@opentelemetry/api` outside
 * the SDK's range. Then the versions npm resolved.
 */
export async function resolvedOtel(project: ProjectDir): Promise<ResolvedOtel> {
  const listing = await project.exec("npm", ["ls", "@opentelemetry/api", "--all", "--json"]);
  const apiVersions = new Set<string>();
  const walk = (node: LsNode) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      if (name === "@opentelemetry/api" && child.version !== undefined) {
        apiVersions.add(child.version);
      }
      walk(child);
    }
  };
  walk(JSON.parse(listing) as LsNode);
  await project.exec("npm", ["ls", "--all"]);
  const sdk = await installedManifest(project, "@opentelemetry/sdk-node");
  const plugin = await installedManifest(project, "@helix/nats-otel");
  return {
    apiVersions: [...apiVersions].sort(),
    sdkNode: sdk && {
      version: sdk.version,
      api: sdk.peerDependencies?.["@opentelemetry/api"] ?? "",
    },
    natsOtelApi: plugin?.peerDependencies?.["@opentelemetry/api"],
  };
}

/** Copies the traced service fixture into `project`; returns its file name. */
export async function addTracedFixture(project: ProjectDir): Promise<string> {
  const from = fileURLToPath(new URL("./fixtures/traced.mjs", import.meta.url));
  await copyFile(from, join(project.dir, "traced.mjs"));
  return "traced.mjs";
}
