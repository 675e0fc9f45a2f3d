import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const dir = new URL("./", import.meta.url);
const sources = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

describe("package boundaries", () => {
  it("the plugin imports only core and the OpenTelemetry API: never stream, consumer or kv", () => {
    expect(sources.length).toBeGreaterThan(5);
    const imported = new Set<string>();
    for (const file of sources) {
      const text = readFileSync(new URL(file, dir), "utf8");
      for (const m of text.matchAll(/^\s*(?:import|export)[^;]*?from\s+"([^"]+)"/gms)) {
        const from = m[1] as string;
        if (!from.startsWith(".")) imported.add(from);
      }
    }
    expect([...imported].sort()).toEqual(["@helix/nats-core", "@opentelemetry/api"]);
  });

  it("its runtime dependencies are peers only", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg.dependencies).toBeUndefined();
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual([
      "@helix/nats-core",
      "@opentelemetry/api",
    ]);
    expect(pkg.peerDependencies["@opentelemetry/api"]).toBe("^1.4.0");
  });
});
