import { readdirSync } from "node:fs";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { serverMatrix } from "./test/server-matrix.js";
import { resolveFromSource } from "./vitest.shared.js";

/** Every folder with an integration config, and the name its projects carry. */
function integrationFolders(): { dir: string; name: string }[] {
  const packages = readdirSync("packages").map((dir) => ({ dir: `packages/${dir}`, name: dir }));
  const examples = readdirSync("examples").map((dir) => ({
    dir: `examples/${dir}`,
    name: `example-${dir}`,
  }));
  return [...packages, ...examples, { dir: "test", name: "root" }].filter(({ dir }) =>
    readdirSync(dir).includes("vitest.int.config.ts"),
  );
}

const matrix = await serverMatrix();

// One level of projects: each package has a unit config; each package, example and the
// cross-package suites under test/ have an integration config, run once per server version of
// the matrix as `<name>:integration@<version>`.
export default defineConfig({
  ...resolveFromSource,
  test: {
    projects: [
      "packages/*/vitest.config.ts",
      "test/vitest.config.ts",
      ...matrix.flatMap(({ label, version }) =>
        integrationFolders().map(
          ({ dir, name }): TestProjectInlineConfiguration => ({
            extends: `./${dir}/vitest.int.config.ts`,
            root: `./${dir}`,
            test: {
              name: `${name}:integration@${label}`,
              env: version ? { HELIX_NATS_SERVER_VERSION: version } : {},
            },
          }),
        ),
      ),
    ],
  },
});
