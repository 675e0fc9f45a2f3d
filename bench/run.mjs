// Runs the suite (`src/main.ts`) bundled by `bundle.mjs`. Arguments are passed on (`--quick`…);
// Node flags such as `--cpu-prof` go in `BENCH_NODE_FLAGS="--cpu-prof"`.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleAndRun } from "./bundle.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const status = await bundleAndRun({
  entry: join(here, "src", "main.ts"),
  outfile: join(here, ".out", "suite.mjs"),
  args: process.argv.slice(2),
  nodeFlags: (process.env.BENCH_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean),
  cwd: here,
});
process.exit(status);
