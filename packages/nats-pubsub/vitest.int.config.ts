import { defineProject } from "vitest/config";
import { integrationProject } from "../../vitest.shared.js";

export default defineProject(integrationProject("nats-pubsub"));
