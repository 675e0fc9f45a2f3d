import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { NatsTestingError } from "./errors.js";

/** Directories searched after `PATH`, which often lacks the sbin directories Debian uses. */
export const FALLBACK_BINARY_DIRS: readonly string[] = [
  "/usr/sbin",
  "/usr/local/bin",
  "/usr/local/sbin",
  "/opt/homebrew/bin",
];

/** The message that tells how to get a server, used when none can be found. */
export const INSTALL_HINT =
  "Install nats-server (Debian/Ubuntu: `apt-get install -y nats-server`; elsewhere download it " +
  "from https://github.com/nats-io/nats-server/releases), put it on PATH or point " +
  "NATS_SERVER_BIN at it, or start Docker so @testcontainers/nats can run one.";

/** Whether `path` is an executable regular file. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every `nats-server` executable on `PATH`, then in `fallbackDirs`, in that order (without
 * `NATS_SERVER_BIN`).
 */
export function binariesOnPath(
  env: NodeJS.ProcessEnv = process.env,
  fallbackDirs: readonly string[] = FALLBACK_BINARY_DIRS,
): string[] {
  const names = process.platform === "win32" ? ["nats-server.exe"] : ["nats-server"];
  const pathDirs = (env.PATH ?? "").split(delimiter).filter((dir) => dir.length > 0);
  const found: string[] = [];
  for (const dir of [...pathDirs, ...fallbackDirs]) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (!found.includes(candidate) && isExecutableFile(candidate)) found.push(candidate);
    }
  }
  return found;
}

/** The `NATS_SERVER_BIN` executable, `undefined` when unset; throws when it names no executable. */
export function explicitBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.NATS_SERVER_BIN;
  if (!explicit) return undefined;
  if (isExecutableFile(explicit)) return explicit;
  throw new NatsTestingError(
    `NATS_SERVER_BIN is set to "${explicit}", which is not an executable file. ${INSTALL_HINT}`,
    "SERVER_NOT_FOUND",
  );
}

/**
 * Finds the `nats-server` executable: `NATS_SERVER_BIN` when set (an error if it names no
 * executable file), else the first `nats-server` on `PATH`, else one in `FALLBACK_BINARY_DIRS`.
 * Returns `undefined` when there is none. Any version: `resolveServerBinary` picks by version.
 */
export function findNatsServerBinary(
  env: NodeJS.ProcessEnv = process.env,
  fallbackDirs: readonly string[] = FALLBACK_BINARY_DIRS,
): string | undefined {
  return explicitBinary(env) ?? binariesOnPath(env, fallbackDirs)[0];
}
