/** Keeping secrets of the configuration out of errors, events and logs. */

/**
 * Returns `err` when neither its message nor its causes hold a secret, else a copy whose
 * messages are scrubbed (the original, secret-bearing error is dropped).
 */
export function scrubError<E extends Error>(err: E, scrub: (text: string) => string): E {
  if (!hasSecret(err, scrub, 0)) return err;
  return copyScrubbed(err, scrub, 0) as E;
}

function hasSecret(err: unknown, scrub: (text: string) => string, depth: number): boolean {
  if (depth > 8 || typeof err !== "object" || err === null) return false;
  const { message, stack, cause } = err as { message?: unknown; stack?: unknown; cause?: unknown };
  if (typeof message === "string" && scrub(message) !== message) return true;
  if (typeof stack === "string" && scrub(stack) !== stack) return true;
  return hasSecret(cause, scrub, depth + 1);
}

function copyScrubbed(err: unknown, scrub: (text: string) => string, depth: number): unknown {
  if (depth > 8 || typeof err !== "object" || err === null) return err;
  const source = err as Error & { cause?: unknown; code?: unknown };
  const cause = copyScrubbed(source.cause, scrub, depth + 1);
  const copy = new Error(
    scrub(String(source.message ?? "")),
    cause === undefined ? undefined : { cause },
  );
  copy.name = source.name;
  if (typeof source.stack === "string") copy.stack = scrub(source.stack);
  if (source.code !== undefined) Object.assign(copy, { code: source.code });
  return copy;
}

/** Builds a function that replaces every secret in a text with `***`. */
export function secretScrubber(secrets: readonly string[]): (text: string) => string {
  const list = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of list) out = out.split(secret).join("***");
    return out;
  };
}
