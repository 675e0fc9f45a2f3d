import type { Connection, LimitExceededError } from "@helix/nats-core";
import { explainLimit } from "@helix/nats-core/internal";

/**
 * Restates a publish refused by a stream limit with the limit's value, read from the
 * configuration of the stream that listens on `subject` (the server's text names no number).
 * When that lookup fails, the server's own error is returned unchanged.
 */
export async function explainStreamLimit(
  conn: Connection,
  subject: string,
  err: LimitExceededError,
): Promise<LimitExceededError> {
  try {
    const jsm = await conn.manager();
    const name = await jsm.streams.find(subject);
    const { config } = await jsm.streams.info(name);
    return explainLimit(err, { what: "stream", name, operation: "publish" }, config);
  } catch {
    return err;
  }
}
