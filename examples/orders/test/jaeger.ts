// Jaeger v2 for the demo's --otlp test: built once from the Go module proxy into the user's cache
// directory, started with an in-memory store on random loopback ports, stopped after the test.
import { type ChildProcess, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { type AddressInfo, createServer, type Server } from "node:net";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findGo } from "@helix/nats-testing";

/** The Go module's version that holds Jaeger v2 (`cmd/jaeger`); the v2 release of the same commit. */
export const JAEGER_MODULE_VERSION = "v1.75.0";
const MODULE = "github.com/jaegertracing/jaeger";

/** How long a build may take; a build lock older than this (and a minute) is left from a dead build. */
export const BUILD_TIMEOUT_MS = 45 * 60_000;

/**
 * Where the binary is cached: `<cache>/jaeger/<version>/jaeger`, `<cache>` being the one the
 * nats-server builds use: `HELIX_NATS_CACHE_DIR`, else `${XDG_CACHE_HOME:-~/.cache}/helix-nats`.
 */
export function jaegerBinary(env: NodeJS.ProcessEnv = process.env): string {
  const cache =
    env.HELIX_NATS_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "helix-nats");
  return join(cache, "jaeger", JAEGER_MODULE_VERSION, "jaeger");
}

export { findGo };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `go` to completion; resolves with stdout, rejects with the end of its output. */
function runGo(go: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // GOWORK=off: a go.work of the user's must not change the build. CGO off: a static binary,
    // as Jaeger's releases are.
    const child = spawn(go, args, {
      cwd,
      env: { ...process.env, GOWORK: "off", CGO_ENABLED: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk; // small: `go mod download -json` of one module
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-8_000);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else
        reject(new Error(`go ${args.join(" ")} exited ${code}:\n${stdout.slice(-2_000)}${stderr}`));
    });
  });
}

/** Takes the build lock (a directory beside the binary; one build across processes); resolves with its release. */
async function lockBuild(binary: string): Promise<() => void> {
  const lock = `${binary}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > BUILD_TIMEOUT_MS + 60_000) rmSync(lock, { recursive: true, force: true });
      else await sleep(1_000);
    }
  }
}

/**
 * The cached binary, built first when missing (once: concurrent callers wait for one build).
 * `go install …@v1.75.0` refuses this module (its go.mod has a replace directive), so: download
 * the module's source into the Go module cache, then `go build ./cmd/jaeger` inside it, where its
 * go.mod and go.sum apply. The binary is written under a temporary name and renamed, so an
 * interrupted build leaves nothing behind.
 */
export async function buildJaeger(go: string, log: (line: string) => void): Promise<string> {
  const binary = jaegerBinary();
  if (existsSync(binary)) {
    log(`[helix-nats] jaeger: using ${binary}`);
    return binary;
  }
  mkdirSync(dirname(binary), { recursive: true });
  const release = await lockBuild(binary);
  try {
    if (existsSync(binary)) {
      log(`[helix-nats] jaeger: using ${binary} (built by another process)`);
      return binary;
    }
    log(
      `[helix-nats] jaeger: building Jaeger v2 (${MODULE}/cmd/jaeger@${JAEGER_MODULE_VERSION}) ` +
        `with Go into ${binary}; the first time downloads ~260 MB of modules and takes minutes`,
    );
    const started = performance.now();
    const download = JSON.parse(
      await runGo(go, ["mod", "download", "-json", `${MODULE}@${JAEGER_MODULE_VERSION}`], tmpdir()),
    ) as { Dir?: string; Error?: string };
    if (!download.Dir) throw new Error(`go mod download ${MODULE}: ${download.Error ?? "no Dir"}`);
    const partial = `${binary}.${process.pid}.partial`;
    try {
      await runGo(
        go,
        ["build", "-mod=readonly", "-trimpath", "-buildvcs=false", "-o", partial, "./cmd/jaeger"],
        download.Dir,
      );
      renameSync(partial, binary);
    } finally {
      rmSync(partial, { force: true });
    }
    log(`[helix-nats] jaeger: built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return binary;
  } finally {
    release();
  }
}

/** `n` distinct free TCP ports on 127.0.0.1 (held open together, so the OS gives distinct ones). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/**
 * Jaeger v2's configuration (an OpenTelemetry Collector config): OTLP/HTTP in, the memory store,
 * the query API; everything on 127.0.0.1. Off: the self-telemetry metrics listener (by default on
 * :8888) and the query's own tracing (on by default, exported to localhost:4317: to another
 * collector there, or retried for seconds at shutdown when there is none).
 */
export function jaegerConfig(ports: { otlpHttp: number; queryHttp: number; queryGrpc: number }) {
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: info

extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 100000
  jaeger_query:
    storage:
      traces: memstore
    enable_tracing: false
    http:
      endpoint: 127.0.0.1:${ports.queryHttp}
    grpc:
      endpoint: 127.0.0.1:${ports.queryGrpc}

receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${ports.otlpHttp}

exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}

export interface Jaeger {
  /** Base URL of the query API (and UI): `http://127.0.0.1:<port>`. */
  readonly queryUrl: string;
  /** Base URL of the OTLP/HTTP receiver (`/v1/traces` under it). */
  readonly otlpUrl: string;
  readonly pid: number;
  /** Jaeger's log so far (the last 20,000 characters). */
  log(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
}

async function status(url: string, init?: RequestInit): Promise<number> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Starts Jaeger and waits until both its query API and its OTLP receiver answer. */
export async function startJaeger(binary: string, readyTimeoutMs = 60_000): Promise<Jaeger> {
  const [otlpHttp = 0, queryHttp = 0, queryGrpc = 0] = await freePorts(3);
  const ports = { otlpHttp, queryHttp, queryGrpc };
  const dir = mkdtempSync(join(tmpdir(), "helix-jaeger-"));
  const config = join(dir, "config.yaml");
  writeFileSync(config, jaegerConfig(ports));

  const child: ChildProcess = spawn(binary, ["--config", `file:${config}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  // A safety net: a test run that exits without afterAll must not leave Jaeger running.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      process.removeListener("exit", killOnExit);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const queryUrl = `http://127.0.0.1:${ports.queryHttp}`;
  const otlpUrl = `http://127.0.0.1:${ports.otlpHttp}`;
  const deadline = performance.now() + readyTimeoutMs;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  for (;;) {
    if (gone) {
      await stop();
      throw new Error(`jaeger exited (${child.exitCode ?? child.signalCode}) at start:\n${output}`);
    }
    const query = await status(`${queryUrl}/api/services`);
    // An empty OTLP export: 200 once the receiver is up (Jaeger starts it after the extensions).
    const otlp = await status(`${otlpUrl}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    if (query === 200 && otlp === 200) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`jaeger not ready after ${readyTimeoutMs} ms:\n${output}`);
    }
    await sleep(200);
  }
  return { queryUrl, otlpUrl, pid: child.pid as number, log: () => output, stop };
}
