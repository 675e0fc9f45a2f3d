/** Turns a subject into the destination name used in span names and metric attributes. */
export type DestinationNamer = (subject: string) => string;

const INBOX = "_INBOX";

/**
 * The default namer: reply inboxes (`_INBOX.<random>`) collapse to `_INBOX`, every other subject
 * is its own destination.
 */
export function defaultDestination(subject: string): string {
  return subject.startsWith("_INBOX.") ? INBOX : subject;
}

/**
 * Wraps the user's namer so that it can never fail an operation: a namer that throws or returns
 * something other than a non-empty string falls back to the default.
 */
export function guardDestination(namer: DestinationNamer | undefined): DestinationNamer {
  if (namer === undefined) return defaultDestination;
  return (subject) => {
    try {
      const name = namer(subject);
      if (typeof name === "string" && name !== "") return name;
    } catch {
      // Telemetry never fails the operation it describes.
    }
    return defaultDestination(subject);
  };
}
