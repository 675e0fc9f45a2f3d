import { requireServerVersion } from "@helix/nats-core/internal";

/*
 * Subject transforms (nats-server 2.10+): a stream's own `subject_transform`, and
 * `subject_transforms` on each of its `sources` or its `mirror`, pass through the stream config
 * as they are. An older server ignores the fields it does not know, so a source would be copied
 * untransformed without a word: refused before any I/O instead.
 */

/** The first nats-server with subject transforms on streams, sources and mirrors. */
export const SUBJECT_TRANSFORM_MIN_VERSION = "2.10.0";
/** The feature's name in `UnsupportedFeatureError`. */
export const SUBJECT_TRANSFORM_FEATURE = "subject transforms";

/** Refuses a config with any subject transform on a server older than 2.10, no I/O. */
export function assertSubjectTransforms(config: object, serverVersion: string | undefined): void {
  const c = config as {
    subject_transform?: unknown;
    sources?: unknown;
    mirror?: { subject_transforms?: unknown } | null;
  };
  const sources = Array.isArray(c.sources) ? (c.sources as { subject_transforms?: unknown }[]) : [];
  const used =
    c.subject_transform !== undefined ||
    c.mirror?.subject_transforms !== undefined ||
    sources.some((source) => source?.subject_transforms !== undefined);
  if (used) {
    requireServerVersion(serverVersion, SUBJECT_TRANSFORM_FEATURE, SUBJECT_TRANSFORM_MIN_VERSION);
  }
}
