// Written from package.json by scripts/write-version.mjs (version:update): do not edit.

/** This package's name: the instrumentation scope name of the plugin's tracer and meter. */
export const PACKAGE_NAME = "@helix/nats-otel";

/** This package's version: the instrumentation scope version of the plugin's tracer and meter. */
export const PACKAGE_VERSION = "0.0.0";
