/**
 * The nats-server versions the toolkit is tested on, and how a version is named.
 *
 * A version is written as nats-server prints it without the `v`: `"2.9.10"`, `"2.15.3"`.
 */

/** The oldest release the toolkit supports and tests: Debian 12's `nats-server` package. */
export const FLOOR_SERVER_VERSION = "2.9.10";

/**
 * The current release the test matrix pins: the newest release served by the Go module proxy
 * that builds with Go 1.26 (checked 2026-12-05). Built once with `go install` and cached.
 */
export const CURRENT_SERVER_VERSION = "2.15.3";

/**
 * The environment variable that gives `startServer` and `startCluster` their default `version`.
 * The repository's test matrix sets it per integration project.
 */
export const SERVER_VERSION_ENV = "HELIX_NATS_SERVER_VERSION";

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;

/** `"v2.15.3"` or `"2.15.3"` → `"2.15.3"`; throws a `TypeError` on anything that is not a release version. */
export function normalizeServerVersion(version: string): string {
  const match = VERSION.exec(version.trim());
  if (!match) {
    throw new TypeError(
      `nats-testing: "${version}" is not a nats-server version: write it as MAJOR.MINOR.PATCH, e.g. "${CURRENT_SERVER_VERSION}"`,
    );
  }
  return version.trim().replace(/^v/, "");
}

/** The version that `nats-server --version` printed (`"nats-server: v2.9.10"` → `"2.9.10"`), or `undefined`. */
export function parseVersionOutput(output: string): string | undefined {
  return /\bv?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\b/.exec(output)?.[1];
}
