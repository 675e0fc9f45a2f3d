import { expect } from "vitest";
import type { ProcessLedger } from "./process-ledger.js";
import type { PublishLedger } from "./publish-ledger.js";
import type { StreamContents } from "./stream-contents.js";

/** The counts behind `expectNothingLost`, for the figures line. */
export interface GuaranteeCounts {
  acked: number;
  failed: number;
  duplicateAcks: number;
  stored: number;
  processed?: number;
  processings?: number;
  reprocessed?: number;
  /** Repeats that claimed to be a first delivery (allowed only before `stateLostAt`). */
  repeatedAsFirstDelivery?: number;
  maxDeliveryCount?: number;
}

/** Options of `expectNothingLost`. */
export interface GuaranteeOptions {
  /**
   * When a server crashed and lost consumer state it had not written yet (`performance.now()`
   * of the crash): a message first processed before it may be delivered again as if for the
   * first time (delivery count 1), since the restarted server no longer knows it delivered it.
   * Messages first processed after it must still show a delivery count above 1 on a repeat.
   */
  stateLostAt?: number;
}

/**
 * What the design promises when a server fails, with message IDs and auto-ack:
 * - stored exactly once: no message ID at two sequences, and the stream's count equals the
 *   distinct IDs (a retried publish was de-duplicated by the server);
 * - nothing acknowledged is lost: every acked ID is stored, at the sequence its ack named;
 * - with a consumer: every stored message was processed at least once and nothing unstored was
 *   processed. A message may be processed again when its ack was lost (auto-ack is
 *   at-least-once), but then the repeat carries a delivery count above 1: at most one
 *   processing of an ID saw delivery count 1.
 */
export function expectNothingLost(
  published: PublishLedger,
  stored: StreamContents,
  processed?: ProcessLedger,
  options: GuaranteeOptions = {},
): GuaranteeCounts {
  const storedTwice = [...stored.ids].filter(([, seqs]) => seqs.length > 1);
  expect(storedTwice, "message IDs stored at more than one sequence").toEqual([]);
  expect(stored.ids.size, "stream count vs distinct message IDs").toBe(stored.messages);

  const lost = [...published.acked].filter(([id, ack]) => stored.ids.get(id)?.[0] !== ack.seq);
  expect(lost.slice(0, 5), "acknowledged messages missing or at another sequence").toEqual([]);
  expect(lost).toHaveLength(0);

  const counts: GuaranteeCounts = {
    acked: published.acked.size,
    failed: published.failed.size,
    duplicateAcks: published.duplicateAcks,
    stored: stored.messages,
  };
  if (!processed) return counts;

  const unprocessed = [...stored.ids.keys()].filter((id) => !processed.deliveries.has(id));
  expect(unprocessed.slice(0, 5), "stored messages never processed").toEqual([]);
  const phantom = [...processed.deliveries.keys()].filter((id) => !stored.ids.has(id));
  expect(phantom.slice(0, 5), "processed messages that are not stored").toEqual([]);
  const asFirst = processed.repeatedAsFirstDelivery();
  const lostAt = options.stateLostAt;
  const unexplained = asFirst.filter(
    (id) => lostAt === undefined || (processed.firstProcessedAt(id) ?? 0) > lostAt,
  );
  expect(unexplained.slice(0, 5), "repeats that claimed to be a first delivery").toEqual([]);

  return {
    ...counts,
    processed: processed.processed,
    processings: processed.processings,
    reprocessed: processed.repeated().length,
    repeatedAsFirstDelivery: asFirst.length,
    maxDeliveryCount: processed.maxDeliveryCount(),
  };
}
