import { execFile } from "node:child_process";
import { findNatsServerBinary, INSTALL_HINT } from "./binary.js";
import { NatsTestingError } from "./errors.js";
import { buildServer, type ServerAvailability, serverAvailability } from "./server-versions.js";
import { normalizeServerVersion, SERVER_VERSION_ENV } from "./versions.js";

/**
 * Where test servers come from: a local binary, or Docker through `@testcontainers/nats`
 * (with the image of the version asked for, if one was).
 */
export type Backend = { kind: "binary"; bin: string } | { kind: "container"; image?: string };

/** What `resolveBackend` consults; tests replace these. */
export interface BackendProbes {
  env?: NodeJS.ProcessEnv;
  findBinary?: (env: NodeJS.ProcessEnv) => string | undefined;
  dockerAvailable?: () => Promise<boolean>;
  availability?: (version: string, env: NodeJS.ProcessEnv) => Promise<ServerAvailability>;
  build?: (version: string, env: NodeJS.ProcessEnv) => Promise<string>;
}

/**
 * The version a start asks for: its `version` option, else `HELIX_NATS_SERVER_VERSION`, else
 * `undefined` (any installed server).
 */
export function requestedVersion(
  version: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const wanted = version ?? (env[SERVER_VERSION_ENV] || undefined);
  return wanted === undefined ? undefined : normalizeServerVersion(wanted);
}

/** Whether `docker info` succeeds within `timeoutMs` (the daemon runs and answers). */
export function dockerAvailable(timeoutMs = 5_000): Promise<boolean> {
  return new Promise((resolve) => {
    execFile("docker", ["info"], { timeout: timeoutMs }, (error) => resolve(error === null));
  });
}

/**
 * Picks the backend. Without a version: the `nats-server` binary when one is found, else Docker
 * when it answers. With a version: an installed binary of that exact version, else one built with
 * Go into the cache, else Docker with that version's image. Throws a `SERVER_NOT_FOUND` error that
 * names the install command when none of these can be had.
 */
export async function resolveBackend(
  request: { version?: string | undefined } = {},
  probes: BackendProbes = {},
): Promise<Backend> {
  const env = probes.env ?? process.env;
  const version = requestedVersion(request.version, env);
  const docker = probes.dockerAvailable ?? dockerAvailable;
  if (version === undefined) {
    const bin = (probes.findBinary ?? findNatsServerBinary)(env);
    if (bin !== undefined) return { kind: "binary", bin };
    if (await docker()) return { kind: "container" };
    throw new NatsTestingError(
      `No nats-server binary found (NATS_SERVER_BIN unset, none on PATH) and Docker is not running. ${INSTALL_HINT}`,
      "SERVER_NOT_FOUND",
    );
  }
  const availability = await (probes.availability ?? serverAvailability)(version, env);
  if (availability.kind === "installed") return { kind: "binary", bin: availability.bin };
  if (availability.kind === "buildable") {
    return { kind: "binary", bin: await (probes.build ?? buildServer)(version, env) };
  }
  if (await docker()) return { kind: "container", image: `nats:${version}-alpine` };
  throw new NatsTestingError(
    `${availability.reason}, and Docker is not running.`,
    "SERVER_NOT_FOUND",
  );
}
