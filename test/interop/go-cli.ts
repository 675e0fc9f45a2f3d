// The Go side of the interop suite: builds the `helix-interop` CLI (this folder's Go module) and
// runs its subcommands against the test server. Each prints JSON, typed here.

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, rename } from "node:fs/promises";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { findGo } from "@helix/nats-testing";
import { inject } from "vitest";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));
const binary = fileURLToPath(new URL("../../.cache/interop/helix-interop", import.meta.url));

/** The `go` command (on PATH, else Go's default install dir), or `undefined` without Go. */
const goCommand = findGo();

/** Whether Go is installed. */
export function goInstalled(): boolean {
  return goCommand !== undefined;
}

/**
 * Builds the CLI into `.cache/interop/helix-interop` (under a second with Go's build cache warm).
 * Built to a temporary name and renamed into place: the projects of the server matrix run the
 * suite at the same time, and a rename never touches a binary another project is executing.
 */
export async function buildGoCli(): Promise<void> {
  await mkdir(dirname(binary), { recursive: true });
  const built = `${binary}.${process.pid}.tmp`;
  await run(goCommand ?? "go", ["build", "-o", built, "./"], { cwd: here, timeout: 170_000 });
  await rename(built, binary);
}

/** A span's identity, as both sides print it. */
export interface Ids {
  traceId: string;
  spanId: string;
}

/** What `helix-interop publish` prints: the PubAck, the producer span, the headers it sent. */
export interface GoPublished {
  stream: string;
  seq: number;
  duplicate: boolean;
  span: Ids;
  headers: Record<string, string[]>;
}

/** What `helix-interop consume-one` prints about the one message it fetched and acked. */
export interface GoConsumed {
  subject: string;
  streamSeq: number;
  deliveries: number;
  /** base64 */
  data: string;
  /** The headers exactly as received (Go's nats.Header keeps the casing of the wire). */
  headers: Record<string, string[]>;
  /** What helix.go's carrier returns for `Get("traceparent")` etc. (it canonicalises the key). */
  carrier: { traceparent: string; tracestate: string; baggage: string };
  /** The producer's span context, extracted through the carrier. */
  remote: Ids & { valid: boolean; isRemote: boolean; sampled: boolean; traceState: string };
  baggage: Record<string, string>;
  /** The CONSUMER span Go started in the extracted context. */
  process: Ids & { parentSpanId: string };
}

/** A KeyValueEntry as Go prints it: `operation` is `Operation().String()`, `value` base64. */
export interface GoEntry {
  bucket: string;
  key: string;
  value: string;
  revision: number;
  operation: "KeyValuePutOp" | "KeyValueDeleteOp" | "KeyValuePurgeOp";
  delta: number;
  createdMs: number;
}

export interface GoStreamInfo {
  name: string;
  subjects: string[];
  messages: number;
  firstSeq: number;
  lastSeq: number;
  consumers: number;
}

export interface GoConsumerInfo {
  stream: string;
  name: string;
  durable: string;
  ackPolicy: string;
  filterSubject: string;
  numPending: number;
  numAckPending: number;
  deliveredStreamSeq: number;
  ackFloorStreamSeq: number;
}

/** The name helix-nats gives each of Go's KeyValueOp values. */
export const helixOperation = {
  KeyValuePutOp: "PUT",
  KeyValueDeleteOp: "DEL",
  KeyValuePurgeOp: "PURGE",
} as const;

/** Runs one Go subcommand against the test server and parses the JSON object it prints. */
export async function go<T>(command: string, flags: Record<string, string | number | boolean>) {
  const args = [command, "-url", inject("natsUrl")];
  for (const [name, value] of Object.entries(flags)) args.push(`-${name}=${value}`);
  try {
    const { stdout } = await run(binary, args, { timeout: 30_000 });
    return JSON.parse(stdout) as T;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? "";
    throw new Error(`helix-interop ${args.join(" ")} failed: ${stderr || String(err)}`);
  }
}

/** A running `helix-interop kv-watch`. */
export interface GoWatch {
  /** Resolves when Go's watcher delivered its initial values (Go's nil entry). */
  ready: Promise<void>;
  /** Every entry Go printed, initial and live, once it exited after `count` live ones. */
  done: Promise<{ entry: GoEntry; live: boolean }[]>;
  child: ChildProcess;
}

export function goWatch(bucket: string, keys: string, count: number): GoWatch {
  const args = ["kv-watch", "-url", inject("natsUrl"), "-bucket", bucket, "-keys", keys];
  const child = spawn(binary, [...args, "-count", String(count)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  const lines: { entry: GoEntry; live: boolean }[] = [];
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const reader = createInterface({ input: child.stdout! });
  reader.on("line", (line) => {
    const parsed = JSON.parse(line) as { ready?: true; entry?: GoEntry; live?: boolean };
    if (parsed.ready) onReady();
    else if (parsed.entry) lines.push({ entry: parsed.entry, live: parsed.live === true });
  });
  const done = new Promise<{ entry: GoEntry; live: boolean }[]>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(lines);
      else reject(new Error(`helix-interop kv-watch exited with ${code}: ${stderr}`));
    });
  });
  // A watch that failed before it was ready fails the wait for it too.
  const readyOrFailed = Promise.race([ready, done.then(() => {})]);
  return { ready: readyOrFailed, done, child };
}
