import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { validateAuth } from "./args.js";
import { resolveBackend } from "./backend.js";
import { ProcessServer } from "./binary-server.js";
import { startContainerServer } from "./containers.js";
import { NatsTestingError } from "./errors.js";
import { randomName } from "./random-name.js";
import { checkHealthz, pollUntil } from "./readiness.js";
import type { NatsServer, StartServerOptions } from "./server-types.js";
import { makeTempDir } from "./temp-dir.js";

/** Default time `startServer` waits for readiness. */
export const DEFAULT_START_TIMEOUT_MS = 20_000;

/**
 * Starts one nats-server for tests: JetStream on (unless `jetstream: false`) in a fresh temp
 * store dir, listening on 127.0.0.1 at a random port. Resolves once the server accepts
 * connections and `/healthz` (which covers JetStream) says it is healthy.
 *
 * Uses the `nats-server` binary (`NATS_SERVER_BIN`, else `PATH`), else a Docker container
 * through `@testcontainers/nats`, else throws a `NatsTestingError` naming the install command.
 * With `version` (or `HELIX_NATS_SERVER_VERSION`), the binary must be that exact release: an
 * installed one, or one built once with `go install` into the cache.
 */
export async function startServer(options: StartServerOptions = {}): Promise<NatsServer> {
  validateAuth(options);
  const backend = await resolveBackend({ version: options.version });
  if (backend.kind === "container") {
    if (options.config !== undefined) {
      throw new NatsTestingError(
        "startServer: the `config` option needs a nats-server binary (not the container fallback)",
        "NOT_SUPPORTED",
      );
    }
    return startContainerServer({
      ...options,
      containerImage: options.containerImage ?? backend.image,
    });
  }

  const tempRoot = makeTempDir();
  const configArgs =
    options.config === undefined ? [] : ["-c", writeConfig(tempRoot, options.config)];
  return ProcessServer.start({
    bin: backend.bin,
    name: options.name ?? randomName(),
    tempRoot,
    port: options.port ?? -1,
    debug: options.debug ?? false,
    startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
    args: {
      jetstream: options.jetstream ?? true,
      user: options.user,
      pass: options.pass,
      token: options.token,
      tls: options.tls,
      extraArgs: [...configArgs, ...(options.args ?? [])],
    },
    ready: async ({ monitorUrl, timeoutMs, abort }) => {
      await pollUntil("/healthz", () => checkHealthz(monitorUrl), { timeoutMs, abort });
    },
  });
}

/** Writes the configuration file given by `config` into the server's temp dir. */
function writeConfig(tempRoot: string, text: string): string {
  const file = join(tempRoot, "server.conf");
  writeFileSync(file, text.endsWith("\n") ? text : `${text}\n`, { mode: 0o600 });
  return file;
}
