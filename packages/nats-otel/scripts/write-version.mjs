// Writes src/version.ts from package.json: the name and version the plugin gives its tracer and
// meter. Run by `build` (so a published build always carries its own version) and by
// `version:update` after `changeset version`; src/version.test.ts fails while the two differ.
import { readFileSync, writeFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const target = new URL("../src/version.ts", import.meta.url);
const text = `// Written from package.json by scripts/write-version.mjs (version:update): do not edit.

/** This package's name: the instrumentation scope name of the plugin's tracer and meter. */
export const PACKAGE_NAME = ${JSON.stringify(pkg.name)};

/** This package's version: the instrumentation scope version of the plugin's tracer and meter. */
export const PACKAGE_VERSION = ${JSON.stringify(pkg.version)};
`;
let current = "";
try {
  current = readFileSync(target, "utf8");
} catch {
  // First run: nothing to compare with.
}
if (current !== text) writeFileSync(target, text);
