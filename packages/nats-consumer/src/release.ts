import type { Connection } from "@helix/nats-core";
import { DEFAULT_JETSTREAM_TIMEOUT_MS } from "@helix/nats-core/internal";
import type { JsMsg } from "@nats-io/jetstream";
import { toError } from "./errors.js";
import { HelixMsg } from "./msg.js";
import type { PullTarget } from "./types.js";

/** Whether the server tracks this consumer's acks (an ordered consumer, or ack policy none: no). */
export function takesAcks(target: PullTarget): boolean {
  return !target.ordered && target.config.ack_policy !== "none";
}

/**
 * Has the server forget the pull request a stopped consume leaves waiting (its inbox is gone, but
 * the server learns that only when it next looks). A consumer info makes it check its waiting
 * requests for interest and drop the dead one. Naks wait for this: a nak'ed message that meets
 * the dead request first is lost until the ack wait on nats-server 2.9 (which also counts one
 * delivered message as new again), and put at the back of the queue by 2.10+. Never rejects.
 */
export function forgetStoppedPull(target: PullTarget): Promise<void> {
  if (target.conn.nats.isClosed()) return Promise.resolve();
  return target.raw.info(false).then(ignore, ignore);
}

function ignore(): void {}

/**
 * Releases messages the client pulled but nobody was handed (a consume or iterator stopped with
 * them in its buffer): each is nak'ed without delay, as a `settle` operation, so that the next
 * pull gets it at once instead of after the ack wait (30 s by default). The last nak is confirmed
 * by the server (bounded by the JetStream timeout): once this resolves, the server has applied
 * them all, and the messages are available to the next pull. A failed nak goes to `report`;
 * this never rejects.
 */
export async function releaseUnhanded(
  conn: Connection,
  raws: readonly JsMsg[],
  report: (err: Error, msg: HelixMsg) => void,
): Promise<void> {
  if (raws.length === 0 || conn.nats.isClosed()) return;
  const msgs = raws.map((raw) => new HelixMsg(conn, raw));
  const last = msgs.pop() as HelixMsg;
  const settle = (msg: HelixMsg, sent: Promise<void>): Promise<void> =>
    sent.then(undefined, (err: unknown) => report(toError(err), msg));
  // Every plain nak is sent before the confirmed one: the server applies a consumer's acks in
  // the order they came, so its answer to the last covers the others.
  await Promise.all(msgs.map((msg) => settle(msg, msg.release(false, 0))));
  const timeoutMs = conn.jetstreamOptions.timeout ?? DEFAULT_JETSTREAM_TIMEOUT_MS;
  await settle(last, last.release(true, timeoutMs));
}
