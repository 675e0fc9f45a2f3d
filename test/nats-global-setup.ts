// The globalSetup of every integration project: one nats-server per project, of the version the
// project runs against (the root config's server matrix sets HELIX_NATS_SERVER_VERSION in its
// env), or NATS_URL. Tests read `inject("natsUrl")` and `inject("natsServerVersion")`.
// A relative import: vitest loads global setup files outside the projects' resolve conditions.
import { natsGlobalSetup } from "../packages/nats-testing/src/vitest.js";

export default natsGlobalSetup();
