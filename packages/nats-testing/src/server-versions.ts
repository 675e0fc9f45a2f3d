import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import {
  binariesOnPath,
  explicitBinary,
  FALLBACK_BINARY_DIRS,
  isExecutableFile,
} from "./binary.js";
import { NatsTestingError } from "./errors.js";
import { removeDir } from "./temp-dir.js";
import { normalizeServerVersion, parseVersionOutput } from "./versions.js";

/** How long a build may take before it is given up. */
const BUILD_TIMEOUT_MS = 15 * 60_000;
/** A lock older than this is left over from a build that died: it is taken over. */
const STALE_LOCK_MS = BUILD_TIMEOUT_MS + 60_000;
const LOCK_POLL_MS = 500;

/** Where built servers are kept: `HELIX_NATS_CACHE_DIR`, else `$XDG_CACHE_HOME/helix-nats`, else `~/.cache/helix-nats`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HELIX_NATS_CACHE_DIR) return env.HELIX_NATS_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "helix-nats");
}

/** The path a built `version` is cached at, e.g. `~/.cache/helix-nats/nats-server/v2.15.3/nats-server`. */
export function cachedServerPath(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), "nats-server", `v${normalizeServerVersion(version)}`, "nats-server");
}

/** The version `bin --version` reports, or `undefined` when it cannot be run or read. */
export function binaryVersion(bin: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(bin, ["--version"], { timeout: 10_000 }, (error, stdout, stderr) => {
      resolve(error ? undefined : parseVersionOutput(`${stdout}${stderr}`));
    });
  });
}

/** The `go` executable: on `PATH`, else Go's default install dir; `undefined` without Go. */
export function findGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? "").split(delimiter).filter((dir) => dir.length > 0);
  for (const dir of [...dirs, "/usr/local/go/bin"]) {
    const candidate = join(dir, process.platform === "win32" ? "go.exe" : "go");
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * An installed `nats-server` of exactly `version`: `NATS_SERVER_BIN`, then those on `PATH` and in
 * the usual dirs, then the cache of built servers. `undefined` when none is.
 */
export async function findServerOfVersion(
  version: string,
  env: NodeJS.ProcessEnv = process.env,
  fallbackDirs: readonly string[] = FALLBACK_BINARY_DIRS,
): Promise<string | undefined> {
  const wanted = normalizeServerVersion(version);
  const explicit = explicitBinary(env);
  const candidates = [
    ...(explicit ? [explicit] : []),
    ...binariesOnPath(env, fallbackDirs),
    cachedServerPath(wanted, env),
  ];
  for (const bin of candidates) {
    if (isExecutableFile(bin) && (await binaryVersion(bin)) === wanted) return bin;
  }
  return undefined;
}

/** Where a server of `version` would come from, without building it. */
export type ServerAvailability =
  | {
      /** A binary of that version is installed. */
      readonly kind: "installed";
      /** Its path. */
      readonly bin: string;
    }
  | {
      /** None is installed, and Go is there to build one. */
      readonly kind: "buildable";
      /** The `go` executable. */
      readonly go: string;
      /** Where the built server will be. */
      readonly target: string;
    }
  | {
      /** None is installed and none can be built. */
      readonly kind: "unavailable";
      /** Why, in a sentence. */
      readonly reason: string;
    };

/**
 * Says whether a server of `version` is installed, can be built (Go is there), or cannot be had,
 * with the reason. Cheap: runs `--version` of the candidates, builds nothing.
 */
export async function serverAvailability(
  version: string,
  env: NodeJS.ProcessEnv = process.env,
  probes: { findGo?: typeof findGo; fallbackDirs?: readonly string[] } = {},
): Promise<ServerAvailability> {
  const wanted = normalizeServerVersion(version);
  const bin = await findServerOfVersion(wanted, env, probes.fallbackDirs);
  if (bin) return { kind: "installed", bin };
  const go = (probes.findGo ?? findGo)(env);
  if (go) return { kind: "buildable", go, target: cachedServerPath(wanted, env) };
  return {
    kind: "unavailable",
    reason:
      `nats-server ${wanted} is not installed and Go is not there to build it ` +
      `(install Go, or set NATS_SERVER_BIN to a ${wanted} binary)`,
  };
}

function run(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { env, timeout: BUILD_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ ok: error === null, output: `${stdout}${stderr}` }),
    );
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Takes the build lock of `target` (a directory beside it); resolves with its release. */
async function lockBuild(target: string): Promise<() => void> {
  const lock = `${target}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      return () => rmdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmdirSync(lock);
      else await sleep(LOCK_POLL_MS);
    }
  }
}

/**
 * Builds nats-server `version` with `go install github.com/nats-io/nats-server/v2@v<version>`
 * into the cache (once: concurrent callers, in this process or others, wait for one build) and
 * resolves with its path. Says on stderr that it builds, since a cold build takes a minute or two.
 */
export async function buildServer(
  version: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const wanted = normalizeServerVersion(version);
  const target = cachedServerPath(wanted, env);
  const go = findGo(env);
  if (!go) {
    throw new NatsTestingError(
      `nats-server ${wanted} is needed but Go is not installed to build it. Install Go, or set NATS_SERVER_BIN to a ${wanted} binary.`,
      "SERVER_NOT_FOUND",
    );
  }
  const dir = join(target, "..");
  mkdirSync(dir, { recursive: true });
  const release = await lockBuild(target);
  try {
    if (isExecutableFile(target) && (await binaryVersion(target)) === wanted) return target;
    process.stderr.write(
      `[nats-testing] building nats-server ${wanted} with go install (once; cached at ${target})\n`,
    );
    // Beside the target, so the rename stays on one file system.
    const gobin = mkdtempSync(join(dir, "build-"));
    try {
      const module = `github.com/nats-io/nats-server/v2@v${wanted}`;
      const result = await run(go, ["install", module], { ...env, GOBIN: gobin, CGO_ENABLED: "0" });
      if (!result.ok) {
        throw new NatsTestingError(
          `go install ${module} failed:\n${result.output.slice(-4_000)}`,
          "START_FAILED",
        );
      }
      renameSync(join(gobin, "nats-server"), target);
    } finally {
      await removeDir(gobin);
    }
    return target;
  } finally {
    release();
  }
}

/**
 * The `nats-server` executable of `version`: an installed one of that exact version, else one
 * built with Go into the cache. Throws `SERVER_NOT_FOUND` when neither can be had.
 */
export async function resolveServerBinary(
  version: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const availability = await serverAvailability(version, env);
  switch (availability.kind) {
    case "installed":
      return availability.bin;
    case "buildable":
      return buildServer(version, env);
    default:
      throw new NatsTestingError(availability.reason, "SERVER_NOT_FOUND");
  }
}
