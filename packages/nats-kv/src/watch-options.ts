import { ValidationError } from "@helix/nats-core";
import { KvWatchInclude, type KvWatchOptions } from "@nats-io/kv";
import { assertRevision } from "./revisions.js";
import type { WatchOptions } from "./watcher.js";

/** Validates watch options and builds the client's (ignoreDeletes is applied by the watcher). */
export function toClientWatchOptions(filter: string, options: WatchOptions): KvWatchOptions {
  for (const flag of ["ignoreDeletes", "includeHistory", "updatesOnly", "metaOnly"] as const) {
    const v = options[flag];
    if (v !== undefined && typeof v !== "boolean") {
      throw new ValidationError(flag, `${flag} must be a boolean`, { value: v });
    }
  }
  if (options.includeHistory && options.updatesOnly) {
    throw new ValidationError("updatesOnly", "includeHistory and updatesOnly cannot be combined");
  }
  const resume = options.resumeFromRevision;
  if (resume !== undefined) {
    assertRevision(resume, "resumeFromRevision");
    if (options.updatesOnly) {
      throw new ValidationError(
        "updatesOnly",
        "resumeFromRevision and updatesOnly cannot be combined",
      );
    }
  }
  return {
    key: filter,
    headers_only: options.metaOnly === true,
    include: options.includeHistory
      ? KvWatchInclude.AllHistory
      : options.updatesOnly
        ? KvWatchInclude.UpdatesOnly
        : KvWatchInclude.LastValue,
    ...(resume !== undefined ? { resumeFromRevision: resume } : {}),
  };
}
