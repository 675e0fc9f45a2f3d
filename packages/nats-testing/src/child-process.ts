import { type ChildProcess, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { NatsTestingError } from "./errors.js";

/** How a process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One spawned nats-server process with its recent log lines. */
export interface SpawnedProcess {
  readonly pid: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitInfo>;
  /** How it ended, or `undefined` while it runs. */
  exitInfo(): ExitInfo | undefined;
  /** The last lines it wrote to stdout/stderr. */
  logTail(): string;
  /** Sends a signal; false if the process is already gone. */
  signal(signal: NodeJS.Signals): boolean;
  /** Waits for the exit, at most `timeoutMs`; resolves `undefined` on timeout. */
  waitForExit(timeoutMs: number): Promise<ExitInfo | undefined>;
}

/** Options of `spawnServerProcess`. */
export interface SpawnOptions {
  /** Prefix of debug output lines. */
  label: string;
  /** Copy log lines to this process's stderr. */
  debug: boolean;
  /** How many of the last log lines to keep for error messages (the first 10 are kept too). */
  keepLines?: number;
}

/** Describes an exit for error messages, e.g. `exit code 1` or `signal SIGKILL`. */
export function describeExit(info: ExitInfo): string {
  return info.signal ? `signal ${info.signal}` : `exit code ${info.code}`;
}

const HEAD_LINES = 10;

/**
 * Keeps the first lines a process logged (where flag and config errors show up) and the last
 * `keep` lines (where runtime errors show up).
 */
export function createLogBuffer(keep: number): { push(line: string): void; text(): string } {
  const head: string[] = [];
  const tail: string[] = [];
  let omitted = 0;
  return {
    push(line) {
      if (head.length < HEAD_LINES) {
        head.push(line);
        return;
      }
      tail.push(line);
      if (tail.length > keep) {
        tail.shift();
        omitted++;
      }
    },
    text() {
      const gap = omitted > 0 ? [`… ${omitted} lines omitted …`] : [];
      return [...head, ...gap, ...tail].join("\n");
    },
  };
}

function collectLines(stream: Readable | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let partial = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  stream.on("end", () => {
    if (partial) onLine(partial);
  });
  // The pipes must not keep the test process alive on their own (the exit hook cleans up).
  (stream as Readable & { unref?: () => void }).unref?.();
}

function waitForSpawn(child: ChildProcess, bin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once("error", (error) =>
      reject(
        new NatsTestingError(`could not spawn ${bin}: ${error.message}`, "START_FAILED", {
          cause: error,
        }),
      ),
    );
    child.once("spawn", () => {
      if (child.pid === undefined)
        reject(new NatsTestingError(`${bin} has no pid`, "START_FAILED"));
      else resolve(child.pid);
    });
  });
}

/** Spawns `bin args`, capturing its output; resolves once the OS has started it. */
export async function spawnServerProcess(
  bin: string,
  args: readonly string[],
  options: SpawnOptions,
): Promise<SpawnedProcess> {
  const log = createLogBuffer(options.keepLines ?? 40);
  const onLine = (line: string) => {
    log.push(line);
    if (options.debug) process.stderr.write(`[${options.label}] ${line}\n`);
  };
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let exit: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    // "close" (not "exit"): by then the pipes are drained, so the log tail is complete.
    child.once("close", (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  collectLines(child.stdout, onLine);
  collectLines(child.stderr, onLine);
  const pid = await waitForSpawn(child, bin);
  child.unref();
  return {
    pid,
    exited,
    exitInfo: () => exit,
    logTail: () => log.text(),
    signal: (signal) => {
      if (exit) return false;
      try {
        return child.kill(signal);
      } catch {
        return false;
      }
    },
    waitForExit: async (timeoutMs) => {
      if (exit) return exit;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => {
        // A referenced timer keeps the event loop alive while we wait for the unref'd child.
        timer = setTimeout(() => resolve(undefined), timeoutMs);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
