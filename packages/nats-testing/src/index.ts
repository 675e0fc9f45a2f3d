export { FALLBACK_BINARY_DIRS, findNatsServerBinary, INSTALL_HINT } from "./binary.js";
export { type NatsCluster, type StartClusterOptions, startCluster } from "./cluster.js";
export { DEFAULT_CONTAINER_IMAGE } from "./containers.js";
export {
  isNatsTestingError,
  NatsTestingError,
  type NatsTestingErrorCode,
  type NatsTestingErrorOptions,
} from "./errors.js";
export { DEFAULT_START_TIMEOUT_MS, startServer } from "./server.js";
export type {
  NatsServer,
  NatsServerMode,
  StartServerOptions,
  TlsServerOptions,
} from "./server-types.js";
export {
  buildServer,
  cachedServerPath,
  findGo,
  resolveServerBinary,
  type ServerAvailability,
  serverAvailability,
} from "./server-versions.js";
export { createTlsFixtures, type TlsFixtures } from "./tls-fixtures.js";
export {
  CURRENT_SERVER_VERSION,
  FLOOR_SERVER_VERSION,
  normalizeServerVersion,
  SERVER_VERSION_ENV,
} from "./versions.js";
