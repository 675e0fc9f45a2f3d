// The root README's end-to-end example is real code: this test takes it out of README.md, runs it
// with tsx against a fresh server, and checks what it prints, so the README cannot drift from the API.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { startServer } from "@helix/nats-testing";
import { expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");

/** The first TypeScript block under the README's "End to end" heading. */
function readmeExample(): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## End to end"));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error('README.md has no ```ts block under "## End to end"');
  return block[1];
}

it("the README's end-to-end example runs and prints what its comments say", async () => {
  await using server = await startServer();
  const dir = join(root, "test", "readme", ".out");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "example.ts");
  writeFileSync(file, readmeExample());
  try {
    const { stdout } = await promisify(execFile)(tsx, ["--conditions=@helix/source", file], {
      cwd: root,
      env: { ...process.env, NATS_URL: server.url },
      timeout: 60_000,
    });
    expect(stdout.trim().split("\n")).toEqual(["3 acked, 0 failed", "{ state: 'billed' }"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
