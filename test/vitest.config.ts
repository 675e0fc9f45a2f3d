import { defineProject } from "vitest/config";
import { resolveFromSource } from "../vitest.shared.js";

// Whole-repository checks that need no server: the layout rules (import graph).
export default defineProject({
  ...resolveFromSource,
  test: {
    name: "root:unit",
    root: import.meta.dirname,
    include: ["architecture/**/*.test.ts"],
    environment: "node",
  },
});
