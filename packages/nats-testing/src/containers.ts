import { basename } from "node:path";
import { INSTALL_HINT } from "./binary.js";
import { NatsTestingError } from "./errors.js";
import { checkHealthz, pollUntil, readInfoLine } from "./readiness.js";
import type { NatsServer, StartServerOptions } from "./server-types.js";

/** Docker image of the container fallback unless `containerImage` says otherwise. */
export const DEFAULT_CONTAINER_IMAGE = "nats:2.10-alpine";

const CLIENT_PORT = 4222;
const MONITOR_PORT = 8222;
const CERT_DIR = "/etc/nats-testing";

type NatsContainerModule = typeof import("@testcontainers/nats");

async function loadTestcontainers(): Promise<NatsContainerModule> {
  try {
    return await import("@testcontainers/nats");
  } catch (error) {
    throw new NatsTestingError(
      "Docker is running but @testcontainers/nats is not installed (add it as a dev dependency " +
        `to use the container fallback). ${INSTALL_HINT}`,
      "SERVER_NOT_FOUND",
      { cause: error },
    );
  }
}

/** The nats-server command line inside the container (no default `--user test --pass test`). */
export function containerCommand(options: StartServerOptions, name: string): string[] {
  const command = ["-m", String(MONITOR_PORT), "--server_name", name];
  if (options.jetstream ?? true) command.push("-js");
  if (options.user !== undefined && options.pass !== undefined) {
    command.push("--user", options.user, "--pass", options.pass);
  }
  if (options.token !== undefined) command.push("--auth", options.token);
  if (options.tls) {
    command.push(options.tls.verify ? "--tlsverify" : "--tls");
    command.push("--tlscert", `${CERT_DIR}/${basename(options.tls.certFile)}`);
    command.push("--tlskey", `${CERT_DIR}/${basename(options.tls.keyFile)}`);
    if (options.tls.caFile)
      command.push("--tlscacert", `${CERT_DIR}/${basename(options.tls.caFile)}`);
  }
  command.push(...(options.args ?? []));
  return command;
}

function unsupported(operation: string): Promise<never> {
  return Promise.reject(
    new NatsTestingError(
      `${operation}() is not supported in container mode (no nats-server binary was found); ` +
        "install nats-server or set NATS_SERVER_BIN to use it",
      "NOT_SUPPORTED",
    ),
  );
}

/**
 * Starts a nats-server in Docker through `@testcontainers/nats` (loaded only now, it is an
 * optional peer). `restart`, `kill`, `pause` and `resume` reject with `NOT_SUPPORTED`.
 * Testcontainers' reaper removes the container if the test process dies.
 */
export async function startContainerServer(options: StartServerOptions): Promise<NatsServer> {
  const { NatsContainer } = await loadTestcontainers();
  const name = options.name ?? "helix-container";
  const command = containerCommand(options, name);
  // NatsContainer always adds `--user test --pass test`; the command we set replaces its own.
  class PlainNatsContainer extends NatsContainer {
    override withCommand(_ignored: string[]): this {
      return super.withCommand(command);
    }
  }
  const container = new PlainNatsContainer(options.containerImage ?? DEFAULT_CONTAINER_IMAGE);
  if (options.port !== undefined) {
    container.withExposedPorts({ container: CLIENT_PORT, host: options.port });
  }
  if (options.tls) {
    const files = [options.tls.certFile, options.tls.keyFile, options.tls.caFile];
    container.withCopyFilesToContainer(
      files
        .filter((file): file is string => file !== undefined)
        .map((source) => ({ source, target: `${CERT_DIR}/${basename(source)}` })),
    );
  }
  if (options.debug) {
    container.withLogConsumer((stream) =>
      stream.on("data", (line) => process.stderr.write(`[nats ${name}] ${String(line)}`)),
    );
  }
  const started = await container.start();
  const host = started.getHost();
  const port = started.getMappedPort(CLIENT_PORT);
  const monitorUrl = `http://${host}:${started.getMappedPort(MONITOR_PORT)}`;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= started.stop().then(() => undefined);
    return stopping;
  };
  try {
    const timeoutMs = options.startTimeoutMs ?? 20_000;
    const info = await pollUntil("the INFO line", () => readInfoLine(host, port), { timeoutMs });
    await pollUntil("/healthz", () => checkHealthz(monitorUrl), { timeoutMs });
    const { user, pass } = options;
    return {
      mode: "container",
      name,
      host,
      port,
      url: `nats://${host}:${port}`,
      urlWithCredentials:
        user !== undefined && pass !== undefined
          ? `nats://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@${host}:${port}`
          : undefined,
      monitorUrl,
      storeDir: undefined,
      pid: undefined,
      version: info.version,
      paused: false,
      stop,
      restart: () => unsupported("restart"),
      kill: () => unsupported("kill"),
      pause: () => unsupported("pause"),
      resume: () => unsupported("resume"),
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
