import { fileURLToPath } from "node:url";
import type { ViteUserConfig } from "vitest/config";

// Not "module": packages such as @opentelemetry/api map it to a bundler-only build that Node cannot load.
const sourceConditions = ["@helix/source", "node", "import", "default"];
const globalSetup = fileURLToPath(new URL("./test/nats-global-setup.ts", import.meta.url));

/** Resolve workspace packages to their TypeScript source (the `@helix/source` export condition). */
export const resolveFromSource = {
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ["@helix/source"] } },
} satisfies ViteUserConfig;

/** Unit tests: pure logic beside the code, no server. */
export function unitProject(pkg: string): ViteUserConfig {
  return {
    ...resolveFromSource,
    test: {
      name: `${pkg}:unit`,
      include: ["src/**/*.test.ts"],
      environment: "node",
    },
  };
}

/** Integration tests: `test/**\/*.int.test.ts` against a real nats-server started once per project. */
export function integrationProject(pkg: string): ViteUserConfig {
  return {
    ...resolveFromSource,
    test: {
      name: `${pkg}:integration`,
      include: ["test/**/*.int.test.ts"],
      environment: "node",
      globalSetup: [globalSetup],
      fileParallelism: false,
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  };
}
