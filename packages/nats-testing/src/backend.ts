import { execFile } from "node:child_process";
import { findNatsServerBinary, INSTALL_HINT } from "./binary.js";
import { NatsTestingError } from "./errors.js";

/** Where test servers come from: a local binary, or Docker through `@testcontainers/nats`. */
export type Backend = { kind: "binary"; bin: string } | { kind: "container" };

/** What `resolveBackend` consults; tests replace these. */
export interface BackendProbes {
  env?: NodeJS.ProcessEnv;
  findBinary?: (env: NodeJS.ProcessEnv) => string | undefined;
  dockerAvailable?: () => Promise<boolean>;
}

/** Whether `docker info` succeeds within `timeoutMs` (the daemon runs and answers). */
export function dockerAvailable(timeoutMs = 5_000): Promise<boolean> {
  return new Promise((resolve) => {
    execFile("docker", ["info"], { timeout: timeoutMs }, (error) => resolve(error === null));
  });
}

/**
 * Picks the backend: the `nats-server` binary when one is found, else Docker when it answers,
 * else throws a `SERVER_NOT_FOUND` error that names the install command.
 */
export async function resolveBackend(probes: BackendProbes = {}): Promise<Backend> {
  const env = probes.env ?? process.env;
  const bin = (probes.findBinary ?? findNatsServerBinary)(env);
  if (bin !== undefined) return { kind: "binary", bin };
  if (await (probes.dockerAvailable ?? dockerAvailable)()) return { kind: "container" };
  throw new NatsTestingError(
    `No nats-server binary found (NATS_SERVER_BIN unset, none on PATH) and Docker is not running. ${INSTALL_HINT}`,
    "SERVER_NOT_FOUND",
  );
}
