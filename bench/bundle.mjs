// Bundles a benchmark from TypeScript source and runs it with plain Node (`--expose-gc`).
//
// Not through tsx: tsx compiles with esbuild's `keepNames`, which wraps every closure creation in
// a naming call and adds hundreds of nanoseconds to code that makes closures per operation (the
// middleware stack does). The bundle is compiled as tsup compiles the published packages:
// workspace packages are inlined from source (`@helix/source`), other packages stay external and
// are loaded by Node from their absolute path. Shared by the suite (run.mjs) and the otel plugin's
// overhead benchmark (otel-overhead/run.mjs).
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { build } from "esbuild";

/** Bundles `entry` into `outfile`, runs it with `nodeFlags` and `args`, and returns its exit code. */
export async function bundleAndRun({ entry, outfile, args = [], nodeFlags = [], cwd }) {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@helix/source"],
    logLevel: "warning",
    plugins: [
      {
        name: "external-dependencies",
        setup(b) {
          // Resolved from the importing file (pnpm gives each package only its own dependencies).
          b.onResolve({ filter: /^[^./]/ }, async (a) => {
            if (a.path.startsWith("@helix/") || a.path.startsWith("node:") || a.pluginData) return;
            const found = await b.resolve(a.path, {
              kind: a.kind,
              importer: a.importer,
              resolveDir: a.resolveDir,
              pluginData: true,
            });
            if (found.errors.length > 0) return { errors: found.errors };
            return { path: found.path, external: true };
          });
        },
      },
    ],
  });
  const run = spawnSync(process.execPath, ["--expose-gc", ...nodeFlags, outfile, ...args], {
    stdio: "inherit",
    cwd,
  });
  return run.status ?? 1;
}
