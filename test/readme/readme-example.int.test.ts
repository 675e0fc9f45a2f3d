// The root README's examples are real code: this test takes them out of README.md, runs them with
// tsx against a fresh server, and checks what they print, so the README cannot drift from the API:
// the end-to-end script, and the service that runs until SIGTERM.
import { execFile, spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { startServer } from "@helix/nats-testing";
import { until } from "@helix/nats-testing/vitest";
import { expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");

/** The first TypeScript block under the README's heading `heading`. */
function readmeBlock(heading: string): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf(`\n## ${heading}`));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error(`README.md has no \`\`\`ts block under "## ${heading}"`);
  return block[1];
}

it("the README's end-to-end example runs and prints what its comments say", async () => {
  await using server = await startServer();
  const dir = join(root, "test", "readme", ".out");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "example.ts");
  writeFileSync(file, readmeBlock("End to end"));
  try {
    const { stdout } = await promisify(execFile)(tsx, ["--conditions=@helix/source", file], {
      cwd: root,
      env: { ...process.env, NATS_URL: server.url },
      timeout: 60_000,
    });
    expect(stdout.trim().split("\n")).toEqual([
      "3 acked, 0 failed",
      "{ state: 'billed', cents: 3750 }",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it("the README's service runs until SIGTERM: takes an order over HTTP, bills it, then drains and exits 0", async () => {
  await using server = await startServer();
  const dir = join(root, "test", "readme", ".out-service");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "service.ts");
  writeFileSync(file, readmeBlock("A service"));
  const port = await freePort();
  const child = spawn(tsx, ["--conditions=@helix/source", file], {
    cwd: root,
    env: { ...process.env, NATS_URL: server.url, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  child.stdout.on("data", (chunk: Buffer) => lines.push(...chunk.toString().trim().split("\n")));
  const exit = new Promise<number | null>((resolve) => child.on("exit", resolve));
  try {
    await until(() => lines.includes("listening"), 30_000, "the service to listen");
    const res = await fetch(`http://127.0.0.1:${port}/orders`, {
      method: "POST",
      body: JSON.stringify({ id: 7 }),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ seq: 1 });
    await until(() => lines.includes("billed order 7"), 20_000, "the worker to bill the order");
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(lines).toEqual(["listening", "billed order 7", "drained"]);
  } finally {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
