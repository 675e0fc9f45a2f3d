import { defineConfig } from "vitest/config";

// One level of projects: each package has a unit config and an integration config.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "packages/*/vitest.int.config.ts"],
  },
});
