import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  natsServer: string;
  platform: string;
}

/** What the numbers were measured on: `nproc`, the CPU model, Node and nats-server versions. */
export function describeMachine(natsServerVersion: string): Machine {
  return {
    cpus: nproc(),
    cpuModel: cpuModel(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    natsServer: natsServerVersion,
    platform: `${process.platform}/${process.arch}`,
  };
}

export function machineLine(m: Machine): string {
  return `${m.cpus} vCPU ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, nats-server ${m.natsServer} (server and client on the same machine)`;
}

function nproc(): number {
  try {
    return Number(execFileSync("nproc", { encoding: "utf8" }).trim());
  } catch {
    return availableParallelism();
  }
}

function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) return line.split(":")[1]?.trim() ?? "unknown CPU";
  } catch {
    // not Linux
  }
  return "unknown CPU";
}
