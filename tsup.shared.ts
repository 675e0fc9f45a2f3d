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
    // Class names survive bundling: an error built from dist must be named as its export
    // (esbuild renames a class whose name it shadows, e.g. HelixError → _HelixError).
    keepNames: true,
    tsconfig: "tsconfig.build.json",
    ...overrides,
  };
}
