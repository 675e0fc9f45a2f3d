import type { Options } from "tsup";

/** The one build every package shares: ESM + CJS, each with its own declaration file. */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    platform: "node",
    splitting: false,
    treeshake: true,
    // No `keepNames`: it wraps every named closure the code creates in a naming call (a
    // `defineProperty` per closure, per operation on hot paths), and the benchmark bundles
    // without it. esbuild renames a class that refers to itself in its body (`class _HelixError`),
    // so error classes never do; test/packaging checks every error's name from dist.
    keepNames: false,
    tsconfig: "tsconfig.build.json",
    ...overrides,
  };
}
