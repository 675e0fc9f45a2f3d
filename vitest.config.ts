import { defineConfig } from "vitest/config";
import { resolveFromSource } from "./vitest.shared.js";

// One level of projects: each package has a unit config and an integration config; the examples
// and the cross-package suites under test/ have an integration config.
export default defineConfig({
  ...resolveFromSource,
  test: {
    projects: [
      "packages/*/vitest.config.ts",
      "packages/*/vitest.int.config.ts",
      "examples/*/vitest.int.config.ts",
      "test/vitest.int.config.ts",
    ],
  },
});
