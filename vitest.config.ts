import { defineConfig } from "vitest/config";
import { resolveFromSource } from "./vitest.shared.js";

// One level of projects: each package has a unit config and an integration config.
export default defineConfig({
  ...resolveFromSource,
  test: {
    projects: ["packages/*/vitest.config.ts", "packages/*/vitest.int.config.ts"],
  },
});
