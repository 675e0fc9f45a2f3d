// Builds and packs every package the way a release does, then installs the tarballs into a fresh
// npm project outside the repository, as a new user would.
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures", import.meta.url));

/** One packed package: its name, version and tarball path. */
export interface Tarball {
  name: string;
  version: string;
  filename: string;
}

/** A directory with a clean environment to run commands in. */
export interface ProjectDir {
  dir: string;
  /** Runs a command in `dir` with a clean environment; resolves to its stdout. */
  exec(file: string, args: string[]): Promise<string>;
}

/** A temporary npm project with the tarballs installed, and how long each step took (ms). */
export interface PackedProject extends ProjectDir {
  tarballs: Tarball[];
  timings: Record<"build" | "pack" | "install", number>;
  /** What npm printed on stderr while installing (engine warnings and the like). */
  installWarnings: string;
  /** The `@opentelemetry/api` installed with the tarballs: the floor of nats-otel's peer range. */
  otelApi: string;
  /** A new empty npm project (`npm init -y`) named `name`, beside this one, removed with it. */
  emptyProject(name: string): Promise<ProjectDir>;
  remove(): Promise<void>;
}

/**
 * The environment of a child process started as a user would start it: no npm/pnpm settings
 * inherited from the pnpm/vitest process running the test (`npm_config_*` would reconfigure
 * npm) and no NODE_OPTIONS (a `--conditions=@helix/source` there would load TypeScript sources).
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|NODE_OPTIONS$|NODE_PATH$|VITEST)/i.test(key)) continue;
    env[key] = value;
  }
  return env;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, Math.round(performance.now() - started)];
}

/** The exact version of a package installed at the repository root (read from its file). */
async function rootVersion(name: string): Promise<string> {
  const manifest = join(repoRoot, "node_modules", name, "package.json");
  return (JSON.parse(await readFile(manifest, "utf8")) as { version: string }).version;
}

/**
 * The lowest `@opentelemetry/api` that nats-otel's peer range admits (`^1.4.0` → `1.4.0`). The
 * packed project runs on it, so the floor the package claims is the one these tests load.
 */
export async function otelApiFloor(): Promise<string> {
  const manifest = join(repoRoot, "packages", "nats-otel", "package.json");
  const { peerDependencies } = JSON.parse(await readFile(manifest, "utf8")) as {
    peerDependencies: Record<string, string>;
  };
  const range = peerDependencies["@opentelemetry/api"] ?? "";
  const floor = /^\^(\d+\.\d+\.\d+)$/.exec(range)?.[1];
  if (floor === undefined) {
    throw new Error(`nats-otel's @opentelemetry/api peer range "${range}" is not ^x.y.z`);
  }
  return floor;
}

function projectDir(dir: string, env: NodeJS.ProcessEnv): ProjectDir {
  return {
    dir,
    async exec(file, args) {
      try {
        const { stdout } = await run(file, args, { cwd: dir, env, maxBuffer: 16 << 20 });
        return stdout;
      } catch (err) {
        const { stdout = "", stderr = "" } = err as { stdout?: string; stderr?: string };
        throw new Error(`${file} ${args.join(" ")} failed:\n${stdout}${stderr}`, { cause: err });
      }
    },
  };
}

const fixtureCopies: [from: string, to: string][] = [
  ["esm.mjs", "esm.mjs"],
  ["cjs.cjs", "cjs.cjs"],
  ["recording-tracer.cjs", "recording-tracer.cjs"],
  ["types.ts", "types-esm.mts"],
  ["types.ts", "types-cjs.cts"],
  ["types.ts", "types-bundler.ts"],
  ["tsconfig.nodenext.json", "tsconfig.nodenext.json"],
  ["tsconfig.bundler.json", "tsconfig.bundler.json"],
];

/**
 * Builds the packages (turbo, cached), packs each with `pnpm pack` (which turns `workspace:`
 * ranges into real versions, as `changeset publish` does), and installs every tarball plus the
 * otel API (the floor of nats-otel's peer range), TypeScript and Node types into a new project
 * with one `npm install`.
 */
export async function createPackedProject(): Promise<PackedProject> {
  const env = userEnv();
  const dir = await mkdtemp(join(tmpdir(), "helix-packed-"));
  const packs = join(dir, "tarballs");
  const app = join(dir, "app");
  try {
    const [, build] = await timed(() =>
      run(
        "pnpm",
        ["exec", "turbo", "run", "build", "--filter", "./packages/*", "--output-logs=errors-only"],
        { cwd: repoRoot, env, maxBuffer: 16 << 20 },
      ),
    );
    const [tarballs, pack] = await timed(async () => {
      const { stdout } = await run(
        "pnpm",
        ["-r", "--filter", "./packages/*", "pack", "--pack-destination", packs, "--json"],
        { cwd: repoRoot, env, maxBuffer: 16 << 20 },
      );
      return (JSON.parse(stdout) as Tarball[]).map(({ name, version, filename }) => ({
        name,
        version,
        filename,
      }));
    });

    await mkdir(app);
    await run("npm", ["init", "-y"], { cwd: app, env });
    for (const [from, to] of fixtureCopies) await copyFile(join(fixtures, from), join(app, to));

    const otelApi = await otelApiFloor();
    const extras = [
      `@opentelemetry/api@${otelApi}`,
      ...(await Promise.all(
        ["typescript", "@types/node"].map(async (name) => `${name}@${await rootVersion(name)}`),
      )),
    ];
    const [{ stderr: installWarnings }, install] = await timed(() =>
      run(
        "npm",
        [
          "install",
          ...tarballs.map((t) => t.filename),
          ...extras,
          "--no-audit",
          "--no-fund",
          "--prefer-offline",
        ],
        { cwd: app, env, maxBuffer: 16 << 20 },
      ),
    );

    return {
      ...projectDir(app, env),
      tarballs,
      timings: { build, pack, install },
      installWarnings,
      otelApi,
      async emptyProject(name) {
        const project = projectDir(join(dir, name), env);
        await mkdir(project.dir);
        await project.exec("npm", ["init", "-y"]);
        return project;
      },
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
