import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";

it("src/version.ts matches package.json (run `pnpm run version:update` after a version bump)", () => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  expect({ name: PACKAGE_NAME, version: PACKAGE_VERSION }).toEqual({
    name: pkg.name,
    version: pkg.version,
  });
});
