import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cachedServerPath, findServerOfVersion, serverAvailability } from "./server-versions.js";

const dir = mkdtempSync(join(tmpdir(), "helix-nats-versions-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake nats-server that prints `version` for `--version`. */
function fakeServer(path: string, version: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `#!/bin/sh\necho "nats-server: v${version}"\n`);
  chmodSync(path, 0o755);
  return path;
}

const onPath = fakeServer(join(dir, "bin", "nats-server"), "2.9.10");
const cacheEnv = { HELIX_NATS_CACHE_DIR: join(dir, "cache") };
const cached = fakeServer(cachedServerPath("2.15.3", cacheEnv), "2.15.3");

describe("findServerOfVersion", () => {
  it("takes the binary on PATH or in the cache whose --version matches exactly", async () => {
    const env = { PATH: join(dir, "bin"), ...cacheEnv };
    expect(await findServerOfVersion("2.9.10", env, [])).toBe(onPath);
    expect(await findServerOfVersion("v2.15.3", env, [])).toBe(cached);
    expect(await findServerOfVersion("2.12.1", env, [])).toBeUndefined();
  });

  it("uses NATS_SERVER_BIN only when it is the version asked for", async () => {
    const env = { PATH: "", NATS_SERVER_BIN: onPath, ...cacheEnv };
    expect(await findServerOfVersion("2.9.10", env, [])).toBe(onPath);
    expect(await findServerOfVersion("2.15.3", env, [])).toBe(cached);
  });
});

describe("serverAvailability", () => {
  const env = { PATH: join(dir, "bin"), ...cacheEnv };

  it("says installed, buildable (Go is there) or unavailable with the reason", async () => {
    expect(await serverAvailability("2.9.10", env, { fallbackDirs: [] })).toEqual({
      kind: "installed",
      bin: onPath,
    });
    expect(
      await serverAvailability("2.12.1", env, { fallbackDirs: [], findGo: () => "/opt/go/bin/go" }),
    ).toEqual({
      kind: "buildable",
      go: "/opt/go/bin/go",
      target: join(dir, "cache", "nats-server", "v2.12.1", "nats-server"),
    });
    expect(
      await serverAvailability("2.12.1", env, { fallbackDirs: [], findGo: () => undefined }),
    ).toEqual({
      kind: "unavailable",
      reason:
        "nats-server 2.12.1 is not installed and Go is not there to build it (install Go, or set NATS_SERVER_BIN to a 2.12.1 binary)",
    });
  });
});
