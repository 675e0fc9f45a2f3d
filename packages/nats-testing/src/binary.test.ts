import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findNatsServerBinary } from "./binary.js";

const dir = mkdtempSync(join(tmpdir(), "helix-nats-bin-test-"));
const fake = join(dir, "nats-server");
writeFileSync(fake, "#!/bin/sh\nexit 0\n");
chmodSync(fake, 0o755);
const notExecutable = join(dir, "plain");
writeFileSync(notExecutable, "");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("findNatsServerBinary", () => {
  it("prefers NATS_SERVER_BIN", () => {
    expect(findNatsServerBinary({ NATS_SERVER_BIN: fake, PATH: "" }, [])).toBe(fake);
  });

  it("throws when NATS_SERVER_BIN names no executable, naming the install command", () => {
    expect(() => findNatsServerBinary({ NATS_SERVER_BIN: notExecutable }, [])).toThrow(
      /apt-get install -y nats-server/,
    );
  });

  it("searches PATH, then the fallback dirs", () => {
    expect(findNatsServerBinary({ PATH: `/nonexistent:${dir}` }, [])).toBe(fake);
    expect(findNatsServerBinary({ PATH: "/nonexistent" }, [dir])).toBe(fake);
  });

  it("returns undefined when there is none", () => {
    expect(findNatsServerBinary({ PATH: "/nonexistent" }, ["/also-nonexistent"])).toBeUndefined();
  });
});
