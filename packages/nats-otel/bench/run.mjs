// Runs one of this package's benchmarks (default `overhead.ts`), bundled the way the repository's
// benchmark suite bundles (see bench/bundle.mjs: not through tsx, whose keepNames skews closures).
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleAndRun } from "../../../bench/bundle.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const [entry = "overhead.ts", ...args] = process.argv.slice(2);
const status = await bundleAndRun({
  entry: join(here, entry),
  outfile: join(here, ".out", basename(entry).replace(/\.ts$/, ".mjs")),
  args,
});
process.exit(status);
