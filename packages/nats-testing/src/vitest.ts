/**
 * `@helix/nats-testing/vitest`: a vitest `globalSetup` that starts one server per test project,
 * and the small helpers the helix-nats test suites share (unique names, a recording middleware,
 * polling). Only types are taken from vitest: it is not a dependency.
 */
import type { TestProject } from "vitest/node";
import { startServer } from "./server.js";
import type { StartServerOptions } from "./server-types.js";
import { SERVER_VERSION_ENV } from "./versions.js";

export {
  type Deferred,
  deferred,
  type OfKind,
  type OperationLike,
  type Outcome,
  ofKind,
  type RecordableConnection,
  recordOperations,
  recordOutcomes,
  uniqueName,
  until,
} from "./test-helpers.js";

/**
 * A vitest `globalSetup` function: starts one JetStream server for the project (of the version in
 * the project's `env.HELIX_NATS_SERVER_VERSION`, else `options.version`, else any installed
 * binary), gives its URL and version to the tests as `inject("natsUrl")` and
 * `inject("natsServerVersion")`, and stops it when the project ends. With `NATS_URL` set, that
 * server is used instead and nothing is started.
 *
 * ```ts
 * // test/global-setup.ts, named in vitest.config.ts as test.globalSetup
 * import { natsGlobalSetup } from "@helix/nats-testing/vitest";
 * export default natsGlobalSetup();
 * ```
 */
export function natsGlobalSetup(
  options: StartServerOptions = {},
): (project: TestProject) => Promise<() => Promise<void>> {
  return async (project) => {
    const provide = project.provide as (key: string, value: unknown) => void;
    const existing = process.env.NATS_URL;
    if (existing) {
      provide("natsUrl", existing);
      provide("natsServerVersion", "external");
      return async () => {};
    }
    const version = project.config.env?.[SERVER_VERSION_ENV] ?? options.version;
    const server = await startServer({ ...options, version });
    provide("natsUrl", server.url);
    provide("natsServerVersion", server.version);
    return () => server.stop();
  };
}
