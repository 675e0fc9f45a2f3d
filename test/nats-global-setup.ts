// A relative import: vitest loads global setup files outside the projects' resolve conditions.

import type { TestProject } from "vitest/node";
import { startServer } from "../packages/nats-testing/src/index.js";

/**
 * Starts one JetStream-enabled nats-server for an integration project (or uses NATS_URL),
 * hands its URL to the tests through `inject("natsUrl")`, and stops it afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const existing = process.env.NATS_URL;
  if (existing) {
    project.provide("natsUrl", existing);
    return async () => {};
  }
  const server = await startServer();
  project.provide("natsUrl", server.url);
  return () => server.stop();
}
