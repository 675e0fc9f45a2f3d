// Bundles a benchmark from TypeScript source and runs it with plain Node.
//
// Not through tsx: tsx compiles with esbuild's `keepNames`, which wraps every closure creation in
// a naming call and adds hundreds of nanoseconds to code that makes closures per operation (the
// middleware stack does). The bundle here is compiled as tsup compiles the published packages.
// Workspace packages are inlined from source (`@helix/source`); other packages stay external.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const [entry = "overhead.ts", ...args] = process.argv.slice(2);
const outDir = join(here, ".out");
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, basename(entry).replace(/\.ts$/, ".mjs"));

await build({
  entryPoints: [join(here, entry)],
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
        // Resolved from the importing file (pnpm gives each package only its own dependencies),
        // then loaded by Node from that absolute path.
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

const run = spawnSync(process.execPath, ["--expose-gc", outfile, ...args], { stdio: "inherit" });
process.exit(run.status ?? 1);
