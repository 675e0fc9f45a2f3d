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
  /** Repeats that claimed to be a first delivery (allowed only across a crash). */
  repeatedAsFirstDelivery?: number;
  maxDeliveryCount?: number;
}

/** A server crash, as `performance.now()` instants. */
export interface Crash {
  at: number;
  over: number;
}

/** Options of `expectNothingLost`. */
export interface GuaranteeOptions {
  /**
   * Crashes of a server that held consumer state: when it was killed and when the fault was
   * over (`performance.now()` instants). A server killed with -9 can lose deliveries it had not
   * yet written (one server) or replicated (the consumer leader of a cluster): a message handed
   * out before the crash (and maybe processed from the client's buffer while the server was
   * down) may be handed out again after it as if for the first time (delivery count 1). Only a
   * first processing before `over` followed by another after `at` is allowed; any other repeat
   * must show a delivery count above 1.
   */
  crashes?: readonly Crash[];
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
  const crashes = options.crashes ?? [];
  const unexplained = asFirst.filter((id) => {
    const firsts = (processed.deliveries.get(id) ?? []).filter((run) => run.deliveryCount === 1);
    const before = firsts[0]?.at ?? 0;
    const after = firsts.at(-1)?.at ?? 0;
    return !crashes.some((crash) => before < crash.over && after > crash.at);
  });
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
