import { mkdtempSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Creates a fresh private directory under the OS temp dir, e.g. `/tmp/helix-nats-AbC123`. */
export function makeTempDir(prefix = "helix-nats-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Removes a directory tree; missing is fine. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
}

/** Removes a directory tree synchronously (for exit hooks); never throws. */
export function removeDirSync(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Best effort.
  }
}
