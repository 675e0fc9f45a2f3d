// The nats-server versions every integration project runs against: the floor (Debian's 2.9.10)
// and the pinned current release, or the list in HELIX_NATS_SERVER_VERSIONS. Read by the root
// vitest config, which makes one project per package and version.
import {
  CURRENT_SERVER_VERSION,
  FLOOR_SERVER_VERSION,
  normalizeServerVersion,
  serverAvailability,
} from "../packages/nats-testing/src/index.js";

/** Comma-separated versions that replace the default matrix, e.g. `2.9.10,2.15.3,2.12.4`. */
export const SERVER_VERSIONS_ENV = "HELIX_NATS_SERVER_VERSIONS";

/** One column of the matrix: a server version, or the server at `NATS_URL`. */
export interface MatrixEntry {
  /** The project name suffix: the version, or `external` for `NATS_URL`. */
  readonly label: string;
  /** The version the project's servers run; `undefined` for `NATS_URL`. */
  readonly version: string | undefined;
}

function say(line: string): void {
  console.log(`[helix-nats] ${line}`);
}

/**
 * The versions to test, each checked for a binary (installed, or buildable with Go). A version
 * that cannot be had is left out with a visible line saying why, never silently. Building
 * happens later, once, in the first global setup that needs it.
 */
export async function serverMatrix(env: NodeJS.ProcessEnv = process.env): Promise<MatrixEntry[]> {
  if (env.NATS_URL) {
    say("integration tests run against the server at NATS_URL (no version matrix)");
    return [{ label: "external", version: undefined }];
  }
  const listed = env[SERVER_VERSIONS_ENV]?.split(",").filter((v) => v.trim() !== "");
  const versions = [
    ...new Set(
      (listed?.length ? listed : [FLOOR_SERVER_VERSION, CURRENT_SERVER_VERSION]).map((v) =>
        normalizeServerVersion(v),
      ),
    ),
  ];
  const entries: MatrixEntry[] = [];
  for (const version of versions) {
    const availability = await serverAvailability(version, env);
    if (availability.kind === "unavailable") {
      say(`SKIPPED: integration tests on nats-server ${version}: ${availability.reason}`);
      continue;
    }
    if (availability.kind === "buildable") {
      say(`nats-server ${version} will be built once with Go into ${availability.target}`);
    }
    entries.push({ label: version, version });
  }
  say(`integration tests run on nats-server ${entries.map((e) => e.label).join(" and ")}`);
  return entries;
}
