import { ValidationError } from "@helix/nats-core";
import { requireMessageTtl } from "@helix/nats-core/internal";

/*
 * Per-message TTL (nats-server 2.11+): a publish's `ttlMs`, sent as the `Nats-TTL` header, on a
 * stream created with `allow_msg_ttl`. The checks of a `ttlMs` and the header's value live in
 * `@helix/nats-core/internal` (shared with the key-value writes); this file keeps the stream's
 * own check of `allow_msg_ttl`.
 */

/**
 * Checks a stream config's `allow_msg_ttl` (a boolean when given) and refuses `true` on a server
 * older than 2.11 before any I/O.
 */
export function assertAllowMsgTtl(config: object, serverVersion: string | undefined): void {
  const allow = (config as { allow_msg_ttl?: unknown }).allow_msg_ttl;
  if (allow === undefined) return;
  if (typeof allow !== "boolean") {
    throw new ValidationError("allow_msg_ttl", "allow_msg_ttl must be a boolean", {
      value: allow,
    });
  }
  if (allow) requireMessageTtl(serverVersion);
}
