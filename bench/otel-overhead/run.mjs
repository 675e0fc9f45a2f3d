// Runs the otel plugin's overhead benchmark (`overhead.ts`), bundled as the suite is bundled (see
// ../bundle.mjs: not through tsx, whose keepNames skews closures). Arguments are passed on
// (`--quick`); Node flags go in `BENCH_NODE_FLAGS`, as for the suite.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleAndRun } from "../bundle.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const status = await bundleAndRun({
  entry: join(here, "overhead.ts"),
  outfile: join(here, "..", ".out", "otel-overhead.mjs"),
  args: process.argv.slice(2),
  nodeFlags: (process.env.BENCH_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean),
});
process.exit(status);
