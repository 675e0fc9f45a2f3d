import { UnsupportedFeatureError } from "./errors.js";

/** Compares two `major.minor.patch` versions (a pre-release suffix is ignored). Returns -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  for (let i = 0; i < 3; i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * True when `version` (as the server reports it in its INFO) is at least `min`. An unknown
 * version (`undefined`) is not: a feature is refused rather than tried and failed.
 */
export function versionAtLeast(version: string | undefined, min: string): boolean {
  if (version === undefined || version === "") return false;
  return compareVersions(version, min) >= 0;
}

function parseVersion(v: string): number[] {
  const core = v.trim().replace(/^v/, "").split(/[-+]/, 1)[0] ?? "";
  return core.split(".").map((part) => {
    const n = Number.parseInt(part, 10);
    return Number.isFinite(n) ? n : 0;
  });
}

/**
 * Throws `UnsupportedFeatureError` naming `feature` and `minVersion` unless the server's reported
 * `version` is at least `minVersion`: a feature is refused on a server too old for it, before
 * any I/O, never tried and failed.
 */
export function requireServerVersion(
  version: string | undefined,
  feature: string,
  minVersion: string,
): void {
  if (!versionAtLeast(version, minVersion)) {
    throw new UnsupportedFeatureError(feature, minVersion, version);
  }
}
