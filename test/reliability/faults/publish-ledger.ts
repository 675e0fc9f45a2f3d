import type { HelixError } from "@helix/nats-core";
import type { PubAck, PublishFuture } from "@helix/nats-stream";

/**
 * What a publisher was told about each `publishAsync` it made: the ack (stream sequence,
 * duplicate flag) of every acknowledged message ID, the error of every failed one, and when each
 * ack arrived, from which the longest publish pause is measured.
 */
export class PublishLedger {
  readonly acked = new Map<string, PubAck>();
  readonly failed = new Map<string, HelixError>();
  /** Acks that said the server had stored this message ID already (a retry de-duplicated). */
  duplicateAcks = 0;
  #ackTimes: number[] = [];
  #settling: Promise<unknown>[] = [];

  get sent(): number {
    return this.#settling.length;
  }

  /** Follows one future until its ack settles. */
  track(future: PublishFuture): void {
    const msgID = future.msgID;
    if (msgID === undefined) throw new Error("fault tests publish with message IDs");
    this.#settling.push(
      future.ack.then(
        (ack) => {
          this.#ackTimes.push(performance.now());
          this.acked.set(msgID, ack);
          if (ack.duplicate) this.duplicateAcks++;
        },
        (error: HelixError) => {
          this.failed.set(msgID, error);
        },
      ),
    );
  }

  /** Resolves once every tracked future has settled. */
  async settled(): Promise<void> {
    await Promise.all(this.#settling);
  }

  /**
   * The longest time without any ack from `since` (a `performance.now()` instant, e.g. a kill)
   * to `until`: the wait for the first ack after `since` counts as a gap too.
   */
  longestPauseAfter(since: number, until: number): number {
    const times = this.#ackTimes.filter((at) => at > since && at <= until).sort((a, b) => a - b);
    let longest = 0;
    let previous = since;
    for (const at of times) {
      longest = Math.max(longest, at - previous);
      previous = at;
    }
    return longest;
  }

  /** Time from `since` (a `performance.now()` instant) to the first ack after it, in ms. */
  firstAckAfter(since: number): number | undefined {
    let first: number | undefined;
    for (const at of this.#ackTimes)
      if (at > since && (first === undefined || at < first)) first = at;
    return first === undefined ? undefined : first - since;
  }
}
