// The end of the run: the worker's "done" events are fetched back in batches, the final state of
// every order is read from the KV bucket, and both are compared with the orders published. "lost"
// is computed here, never assumed.
import { createConsumerManager, createDeadLetters, type DeadLetter } from "@helix/nats-consumer";
import { type Connection, NotFoundError } from "@helix/nats-core";
import type { KeyValue } from "@helix/nats-kv";
import type { Names, OrderDone, OrderState } from "./order.js";

const BATCH = 250;

export interface DoneSummary {
  /** Distinct orders with a "done" event. */
  ids: Set<number>;
  events: number;
  batches: number;
  /** Sum of the orders' totals, in cents. */
  revenue: number;
}

/** Fetches every "done" event with a durable pull consumer, `BATCH` at a time, acking each. */
export async function fetchDoneEvents(conn: Connection, names: Names): Promise<DoneSummary> {
  const consumer = await createConsumerManager(conn).createOrUpdate(names.stream, {
    durable_name: "summary",
    filter_subject: names.done,
    ack_policy: "explicit",
  });
  const summary: DoneSummary = { ids: new Set(), events: 0, batches: 0, revenue: 0 };
  for (;;) {
    const batch = await consumer.fetchNoWait(BATCH);
    if (batch.length === 0) break;
    summary.batches++;
    for (const msg of batch) {
      const done = msg.json<OrderDone>();
      summary.events++;
      if (!summary.ids.has(done.id)) summary.revenue += done.total;
      summary.ids.add(done.id);
      await msg.ack();
    }
  }
  return summary;
}

/** An order in the dead-letter stream, and why it is there. */
export interface DeadOrder {
  id: number;
  reason: DeadLetter["reason"];
  deliveryCount: number;
  errorType: string;
  errorMessage: string;
}

/** The orders in the dead-letter stream (none when it was never created: nothing failed for good). */
export async function readDeadLetters(conn: Connection, names: Names): Promise<DeadOrder[]> {
  try {
    const letters = await createDeadLetters(conn, { stream: names.deadLetters }).list();
    return letters.map((l) => ({
      id: (JSON.parse(new TextDecoder().decode(l.data)) as { id: number }).id,
      reason: l.reason,
      deliveryCount: l.deliveryCount,
      errorType: l.errorType,
      errorMessage: l.errorMessage,
    }));
  } catch (err) {
    if (err instanceof NotFoundError) return [];
    throw err;
  }
}

/** The latest state of every order in the bucket, read with one watch of the initial values. */
export async function readFinalStates(state: KeyValue): Promise<Map<number, OrderState>> {
  const states = new Map<number, OrderState>();
  const watcher = await state.watch("order.*", { ignoreDeletes: true });
  if (watcher.initialCount === 0) {
    watcher.stop();
    return states;
  }
  let seen = 0;
  for await (const entry of watcher) {
    states.set(Number(entry.key.slice("order.".length)), entry.json<OrderState>());
    if (++seen >= watcher.initialCount) break;
  }
  return states;
}

export interface Outcome {
  orders: number;
  processed: number;
  /** Orders found in the dead-letter stream (not processed, not lost either). */
  deadLettered: number[];
  lost: number[];
}

/**
 * An order is processed when its final KV state is "processed" and its "done" event was fetched;
 * dead-lettered when the dead-letter stream holds it; any requested order that is neither is lost,
 * including one whose publish failed. Every order is counted once: processed + dead-lettered +
 * lost = orders.
 */
export function reconcile(
  count: number,
  states: Map<number, OrderState>,
  done: DoneSummary,
  dead: readonly DeadOrder[],
): Outcome {
  const lost: number[] = [];
  const deadLettered: number[] = [];
  const deadIds = new Set(dead.map((d) => d.id));
  let processed = 0;
  for (let id = 1; id <= count; id++) {
    if (states.get(id)?.state === "processed" && done.ids.has(id)) processed++;
    else if (deadIds.has(id)) deadLettered.push(id);
    else lost.push(id);
  }
  return { orders: count, processed, deadLettered, lost };
}
