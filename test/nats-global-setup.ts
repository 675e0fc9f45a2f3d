// A relative import: vitest loads global setup files outside the projects' resolve conditions.

import type { TestProject } from "vitest/node";
import { SERVER_VERSION_ENV, startServer } from "../packages/nats-testing/src/index.js";

/**
 * Starts one JetStream-enabled nats-server for an integration project (or uses NATS_URL), of the
 * version the project runs against (`HELIX_NATS_SERVER_VERSION` in its `env`, set by the root
 * config's server matrix), hands its URL and version to the tests through `inject("natsUrl")`
 * and `inject("natsServerVersion")`, and stops it afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const existing = process.env.NATS_URL;
  if (existing) {
    project.provide("natsUrl", existing);
    project.provide("natsServerVersion", "external");
    return async () => {};
  }
  const server = await startServer({ version: project.config.env?.[SERVER_VERSION_ENV] });
  project.provide("natsUrl", server.url);
  project.provide("natsServerVersion", server.version);
  return () => server.stop();
}
