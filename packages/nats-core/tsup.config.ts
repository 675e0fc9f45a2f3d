import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.shared.js";

// Two entries: the public API and `./internal` (shared with the sibling packages). Code splitting
// keeps one copy of the modules both use (errors, cancellation) in a shared chunk.
export default defineConfig(
  packageBuild({ entry: ["src/index.ts", "src/internal.ts"], splitting: true }),
);
