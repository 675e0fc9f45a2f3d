import { randomBytes } from "node:crypto";

/** A name with a short random suffix, e.g. `helix-1a2b3c4d`, for servers and clusters. */
export function randomName(prefix = "helix"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}
