import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.shared.js";

// Two entries: the package and `./vitest` (global setup and shared test helpers); code splitting
// keeps one copy of the modules both use.
export default defineConfig(
  packageBuild({
    entry: ["src/index.ts", "src/vitest.ts"],
    splitting: true,
    external: ["vitest"],
  }),
);
