import { defineConfig } from "vitest/config";
import { integrationProject } from "../vitest.shared.js";

// Whole-repository suites that span packages: reliability (faults, bad input, security),
// packaging (packed tarballs installed into a fresh project) and the README's example. Each runs
// against real servers.
const base = integrationProject("root");
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    root: import.meta.dirname,
    include: [
      "reliability/**/*.int.test.ts",
      "packaging/**/*.int.test.ts",
      "readme/**/*.int.test.ts",
      "interop/**/*.int.test.ts",
    ],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
