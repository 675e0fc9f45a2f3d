import { join } from "node:path";
import { buildServerArgs, type ServerArgsSpec } from "./args.js";
import { describeExit, type SpawnedProcess, spawnServerProcess } from "./child-process.js";
import { NatsTestingError } from "./errors.js";
import { readPortsFile } from "./ports.js";
import { track } from "./process-registry.js";
import { waitForStopState } from "./process-state.js";
import { pollUntil, readInfoLine } from "./readiness.js";
import type { NatsServer } from "./server-types.js";
import { removeDir, removeDirSync } from "./temp-dir.js";

const HOST = "127.0.0.1";
const STOP_GRACE_MS = 5_000;
const KILL_WAIT_MS = 10_000;

/** What a readiness hook gets: the freshly started server and a way to stop waiting early. */
export interface ReadyContext {
  server: NatsServer;
  monitorUrl: string;
  timeoutMs: number;
  abort: () => Error | undefined;
}

/**
 * The flags that differ between a standalone server and a cluster node (auth, TLS, routes…).
 * Address, ports, ports file, name and store dir are the `ProcessServer`'s own.
 */
export type RoleArgs = Omit<
  ServerArgsSpec,
  "host" | "port" | "monitorPort" | "portsFileDir" | "serverName" | "storeDir"
>;

/** Everything a `ProcessServer` needs to (re)start its nats-server process. */
export interface ProcessServerSpec {
  bin: string;
  name: string;
  /** Removed by `stop()`; holds the store dir (`store/`) and the ports files. */
  tempRoot: string;
  args: RoleArgs;
  /** The first client port, `-1` for a random one. */
  port: number;
  debug: boolean;
  startTimeoutMs: number;
  /** Extra readiness beyond "accepts connections", run after every (re)start. */
  ready: (context: ReadyContext) => Promise<void>;
}

/** A test server backed by a spawned `nats-server` binary. */
export class ProcessServer implements NatsServer {
  readonly mode = "process" as const;
  readonly host = HOST;
  readonly #spec: ProcessServerSpec;
  readonly #untrack: () => void;
  #process: SpawnedProcess | undefined;
  #port = -1;
  #monitorPort = -1;
  #version = "";
  #paused = false;
  #stopping: Promise<void> | undefined;

  private constructor(spec: ProcessServerSpec) {
    this.#spec = spec;
    this.#untrack = track({ killSync: () => this.#killSync() });
  }

  /** Spawns the server and resolves once it is ready; cleans everything up if it is not. */
  static async start(spec: ProcessServerSpec): Promise<ProcessServer> {
    const server = new ProcessServer(spec);
    try {
      await server.#launch(spec.port, -1);
      return server;
    } catch (error) {
      await server.stop().catch(() => undefined);
      throw error;
    }
  }

  get name(): string {
    return this.#spec.name;
  }
  get port(): number {
    return this.#port;
  }
  get url(): string {
    return `nats://${HOST}:${this.#port}`;
  }
  get urlWithCredentials(): string | undefined {
    const { user, pass } = this.#spec.args;
    if (user === undefined || pass === undefined) return undefined;
    return `nats://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@${HOST}:${this.#port}`;
  }
  get monitorUrl(): string {
    return `http://${HOST}:${this.#monitorPort}`;
  }
  get storeDir(): string {
    return join(this.#spec.tempRoot, "store");
  }
  get pid(): number | undefined {
    return this.#running()?.pid;
  }
  get version(): string {
    return this.#version;
  }
  get paused(): boolean {
    return this.#paused;
  }
  /** Whether the process is currently alive (not killed, stopped or crashed). */
  get running(): boolean {
    return this.#running() !== undefined;
  }

  #running(): SpawnedProcess | undefined {
    const proc = this.#process;
    return proc && proc.exitInfo() === undefined ? proc : undefined;
  }

  #assertUsable(operation: string): void {
    if (this.#stopping) {
      throw new NatsTestingError(`${operation}: server ${this.name} was stopped`, "NOT_SUPPORTED");
    }
  }

  #argsFor(port: number, monitorPort: number): string[] {
    return buildServerArgs({
      ...this.#spec.args,
      host: HOST,
      port,
      monitorPort,
      portsFileDir: this.#spec.tempRoot,
      serverName: this.#spec.name,
      storeDir: this.storeDir,
    });
  }

  async #launch(port: number, monitorPort: number): Promise<void> {
    const spec = this.#spec;
    const proc = await spawnServerProcess(spec.bin, this.#argsFor(port, monitorPort), {
      label: `nats-server ${spec.name}`,
      debug: spec.debug,
    });
    this.#process = proc;
    this.#paused = false;
    const deadline = Date.now() + spec.startTimeoutMs;
    const remaining = () => Math.max(deadline - Date.now(), 1);
    const abort = () => {
      const exit = proc.exitInfo();
      if (exit === undefined) return undefined;
      return new NatsTestingError(
        `nats-server ${spec.name} exited (${describeExit(exit)}) before it was ready`,
        "START_FAILED",
        { logTail: proc.logTail() },
      );
    };
    try {
      const ports = await pollUntil(
        "the ports file",
        () => readPortsFile(spec.tempRoot, proc.pid),
        {
          timeoutMs: remaining(),
          abort,
        },
      );
      this.#port = ports.client;
      this.#monitorPort = ports.monitoring ?? -1;
      const info = await pollUntil("the INFO line", () => readInfoLine(HOST, ports.client), {
        timeoutMs: remaining(),
        abort,
      });
      this.#version = info.version;
      await spec.ready({
        server: this,
        monitorUrl: this.monitorUrl,
        timeoutMs: remaining(),
        abort,
      });
    } catch (error) {
      proc.signal("SIGKILL");
      await proc.waitForExit(KILL_WAIT_MS);
      if ((error as { code?: unknown }).code === "START_FAILED") throw error;
      throw new NatsTestingError(
        `nats-server ${spec.name} was not ready within ${spec.startTimeoutMs} ms: ${
          error instanceof Error ? error.message : String(error)
        }`,
        "START_TIMEOUT",
        { cause: error, logTail: proc.logTail() },
      );
    }
  }

  /** SIGTERM (after SIGCONT if paused), then SIGKILL if it lingers; resolves once it exited. */
  async #terminate(): Promise<void> {
    const proc = this.#running();
    if (!proc) return;
    proc.signal("SIGTERM");
    if (this.#paused) proc.signal("SIGCONT");
    this.#paused = false;
    if ((await proc.waitForExit(STOP_GRACE_MS)) !== undefined) return;
    proc.signal("SIGKILL");
    if ((await proc.waitForExit(KILL_WAIT_MS)) === undefined) {
      throw new NatsTestingError(
        `nats-server ${this.name} (pid ${proc.pid}) did not exit after SIGKILL`,
        "PROCESS_FAILED",
      );
    }
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      try {
        await this.#terminate();
      } finally {
        await removeDir(this.#spec.tempRoot);
        this.#untrack();
      }
    })();
    return this.#stopping;
  }

  async restart(): Promise<void> {
    this.#assertUsable("restart");
    await this.#terminate();
    await this.#launch(this.#port, this.#monitorPort);
    // stop() called while we were starting: it found nothing to end, so end the new process.
    if (this.#stopping) {
      await this.#terminate();
      await removeDir(this.#spec.tempRoot);
    }
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    this.#assertUsable("kill");
    const proc = this.#running();
    if (!proc) return;
    proc.signal(signal);
    if (this.#paused && signal !== "SIGKILL") proc.signal("SIGCONT");
    this.#paused = false;
    if ((await proc.waitForExit(KILL_WAIT_MS)) === undefined) {
      throw new NatsTestingError(
        `nats-server ${this.name} did not exit within ${KILL_WAIT_MS} ms of ${signal}; ` +
          "kill() is for signals that end the process",
        "PROCESS_FAILED",
      );
    }
  }

  async pause(): Promise<void> {
    this.#assertUsable("pause");
    const proc = this.#running();
    if (!proc) throw new NatsTestingError(`pause: ${this.name} is not running`, "NOT_SUPPORTED");
    proc.signal("SIGSTOP");
    this.#paused = true;
    // Resolve once it really answers nothing: the signal takes a moment to stop every thread.
    await waitForStopState(proc.pid, true);
  }

  async resume(): Promise<void> {
    this.#assertUsable("resume");
    const proc = this.#running();
    if (!proc) throw new NatsTestingError(`resume: ${this.name} is not running`, "NOT_SUPPORTED");
    proc.signal("SIGCONT");
    this.#paused = false;
    await waitForStopState(proc.pid, false);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #killSync(): void {
    const proc = this.#running();
    if (proc) proc.signal("SIGKILL");
    removeDirSync(this.#spec.tempRoot);
  }
}
