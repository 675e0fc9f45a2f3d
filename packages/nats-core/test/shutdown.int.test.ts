// shutdownOnSignal in a real child process: a signal drains (the work in flight finishes),
// closes, and sets the exit code; a second signal changes nothing; a drain past its deadline
// closes anyway and exits 1.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { until } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it } from "vitest";

const fixture = fileURLToPath(new URL("./fixtures/service.ts", import.meta.url));

interface Run {
  child: ChildProcess;
  lines: string[];
  exit: Promise<number | null>;
}

function startService(holdMs: number, timeoutMs: number): Run {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=@helix/source",
      fixture,
      inject("natsUrl"),
      `${holdMs}`,
      `${timeoutMs}`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines: string[] = [];
  let buffered = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    lines.push(...parts);
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, lines, exit };
}

describe("shutdownOnSignal", () => {
  it("SIGTERM: stops taking work, lets the work in flight finish, closes, exits 0; a second SIGTERM changes nothing", async () => {
    const run = startService(400, 5_000);
    await until(() => run.lines.includes("ready"), 20_000, "the service to start");
    run.child.kill("SIGTERM");
    await until(() => run.lines.includes("work: finishing"), 10_000, "the drain to start");
    run.child.kill("SIGTERM");
    expect(await run.exit).toBe(0);
    expect(run.lines).toEqual([
      "ready",
      "stop taking work",
      "work: finishing",
      "work: finished",
      "drained",
      "closed: true",
    ]);
  });

  it("SIGINT with work that outlives the deadline: closes anyway and exits 1, saying why", async () => {
    const run = startService(60_000, 300);
    await until(() => run.lines.includes("ready"), 20_000, "the service to start");
    run.child.kill("SIGINT");
    expect(await run.exit).toBe(1);
    expect(run.lines).toEqual([
      "ready",
      "stop taking work",
      "work: finishing",
      "failed: drain: in-flight work did not finish within 300 ms; the connection was closed",
      "closed: true",
    ]);
  });
});
