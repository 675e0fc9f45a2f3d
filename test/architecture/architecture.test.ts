// The layout rules of CONTRIBUTING.md, checked on every `npm test`: no import circle, no arrow
// from a package up to the benchmark or the examples, the split packages never import each
// other, only nats-otel imports OpenTelemetry, and no package reaches into another's files.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findCycles, repoRoot, resolveRelative, sourceFiles } from "./import-graph.js";

const packages = readdirSync(join(repoRoot, "packages"));
const packageSources = packages.flatMap((pkg) => sourceFiles(repoRoot, join("packages", pkg)));
const srcOnly = packageSources.filter((f) => /^packages\/[^/]+\/src\//.test(f.path));

function helixImports(pkg: string): Set<string> {
  const found = new Set<string>();
  for (const file of srcOnly.filter((f) => f.path.startsWith(`packages/${pkg}/src/`))) {
    if (file.path.endsWith(".test.ts")) continue;
    for (const s of file.imports) if (s.startsWith("@helix/")) found.add(s);
  }
  return found;
}

describe("architecture", () => {
  it("reads every package's sources", () => {
    expect(packages.sort()).toEqual([
      "nats-consumer",
      "nats-core",
      "nats-kv",
      "nats-otel",
      "nats-pubsub",
      "nats-stream",
      "nats-testing",
    ]);
    for (const pkg of packages) {
      expect(srcOnly.some((f) => f.path.startsWith(`packages/${pkg}/src/`))).toBe(true);
    }
  });

  it("has no import circle in any package, the examples, the benchmark or the shared tests", () => {
    const everything = [
      ...packageSources,
      ...sourceFiles(repoRoot, "examples"),
      ...sourceFiles(repoRoot, "bench"),
      ...sourceFiles(repoRoot, "test"),
    ];
    expect(findCycles(everything)).toEqual([]);
  });

  it("finds a circle when there is one (the check can fail)", () => {
    const cycle = findCycles([
      { path: "a/x.ts", imports: ["./y.js"] },
      { path: "a/y.ts", imports: ["./z.js", "node:fs"] },
      { path: "a/z.ts", imports: ["./x.js"] },
    ]);
    expect(cycle).toEqual([["a/x.ts", "a/y.ts", "a/z.ts", "a/x.ts"]]);
  });

  it("no source or test of a package reaches outside its package (to bench/, examples/, test/ or a sibling's files)", () => {
    const outside: string[] = [];
    for (const file of packageSources.filter((f) =>
      /^packages\/[^/]+\/(src|test)\//.test(f.path),
    )) {
      const pkgDir = file.path.split("/").slice(0, 2).join("/");
      for (const s of file.imports) {
        const target = resolveRelative(file.path, s);
        if (target !== undefined && !target.startsWith(`${pkgDir}/`)) {
          outside.push(`${file.path} → ${s}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  it("stream, consumer, kv and pubsub import only core among the helix packages; otel only core", () => {
    for (const pkg of ["nats-stream", "nats-consumer", "nats-kv", "nats-pubsub", "nats-otel"]) {
      const allowed = new Set(["@helix/nats-core", "@helix/nats-core/internal"]);
      const extra = [...helixImports(pkg)].filter((s) => !allowed.has(s));
      expect({ pkg, extra }).toEqual({ pkg, extra: [] });
    }
    expect([...helixImports("nats-core")]).toEqual([]);
    expect([...helixImports("nats-testing")]).toEqual([]);
  });

  it("only nats-otel imports @opentelemetry/*, and never the internal subpath of core", () => {
    for (const file of srcOnly) {
      if (file.path.endsWith(".test.ts")) continue;
      const otel = file.imports.filter((s) => s.startsWith("@opentelemetry/"));
      if (!file.path.startsWith("packages/nats-otel/"))
        expect({ file: file.path, otel }).toEqual({ file: file.path, otel: [] });
      else {
        const internal = file.imports.filter((s) => s === "@helix/nats-core/internal");
        expect({ file: file.path, internal }).toEqual({ file: file.path, internal: [] });
      }
    }
  });
});
