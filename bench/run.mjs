// Bundles the suite from TypeScript source and runs it with plain Node (`--expose-gc`).
//
// Not through tsx: tsx compiles with esbuild's `keepNames`, which wraps every closure creation in
// a naming call and adds hundreds of nanoseconds to code that makes closures per operation (the
// middleware stack does). The bundle is compiled as tsup compiles the published packages:
// workspace packages are inlined from source (`@helix/source`), other packages stay external and
// are loaded by Node from their absolute path. Arguments are passed on (`--quick`, `--cpu-prof`
// is a Node flag: use `BENCH_NODE_FLAGS="--cpu-prof"`).
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, ".out");
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, "suite.mjs");

await build({
  entryPoints: [join(here, "src", "main.ts")],
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

const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);
const run = spawnSync(
  process.execPath,
  ["--expose-gc", ...nodeFlags, outfile, ...process.argv.slice(2)],
  { stdio: "inherit", cwd: here },
);
process.exit(run.status ?? 1);
