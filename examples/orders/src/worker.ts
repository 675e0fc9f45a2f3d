// The worker: consumes orders with a few handlers in flight, records each order's state in the KV
// bucket and publishes a "done" event. It fails some orders on their first delivery, on purpose:
// the handler throws, the message is nak'ed and redelivered, and the second try succeeds.
import { type ConsumeContext, createConsumerManager, type Msg } from "@helix/nats-consumer";
import type { Connection } from "@helix/nats-core";
import type { KeyValue } from "@helix/nats-kv";
import { createPublisher } from "@helix/nats-stream";
import { type Names, type Order, type OrderDone, type OrderState, orderKey } from "./order.js";

/** Delay before a failed order is redelivered. */
const NAK_DELAY_MS = 200;

/** The failure injected on purpose; deterministic, so a run is reproducible. */
export class PaymentDeclinedError extends Error {
  override readonly name = "PaymentDeclinedError";
}

/**
 * About 1.2% of orders (every 83rd, from order 7 on: 7, 90, 173, …, so even a short run has one)
 * fail on their first delivery.
 */
export function failsOnPurpose(id: number, deliveryCount: number): boolean {
  return id % 83 === 7 && deliveryCount === 1;
}

export interface WorkerStats {
  /** Distinct orders handled successfully. */
  processed: Set<number>;
  /** Deliveries after the first one (`deliveryCount > 1`), as the server counted them. */
  redelivered: number;
  /** Handler failures (injected or not). */
  failures: number;
  /** Errors reported by the consume other than handler failures. */
  errors: unknown[];
}

export interface Worker {
  readonly stats: WorkerStats;
  readonly consuming: ConsumeContext;
}

export async function startWorker(
  conn: Connection,
  names: Names,
  state: KeyValue,
  concurrency: number,
  onProcessed: (processed: number) => void,
): Promise<Worker> {
  const consumer = await createConsumerManager(conn).createOrUpdate(names.stream, {
    durable_name: "fulfilment",
    filter_subject: names.created,
    ack_policy: "explicit",
    ack_wait: 10_000_000_000, // 10 s in nanoseconds: redeliver an order whose worker vanished
    max_deliver: 5,
  });
  const events = createPublisher(conn);
  const stats: WorkerStats = { processed: new Set(), redelivered: 0, failures: 0, errors: [] };

  // Runs inside the `process` span: the KV puts, the publish and the automatic ack are its children.
  const handle = async (msg: Msg) => {
    const order = msg.json<Order>();
    const attempt = msg.info.deliveryCount;
    if (attempt > 1) stats.redelivered++;
    if (failsOnPurpose(order.id, attempt)) {
      await state.put(orderKey(order.id), { state: "failed", attempt } satisfies OrderState);
      throw new PaymentDeclinedError(`payment for order ${order.id} declined (attempt ${attempt})`);
    }
    await state.put(orderKey(order.id), { state: "processed", attempt } satisfies OrderState);
    const done: OrderDone = { id: order.id, attempt, total: order.quantity * order.price };
    await events.publish(names.done, done, { msgID: `done-${order.id}` });
    stats.processed.add(order.id);
    onProcessed(stats.processed.size);
  };

  const consuming = consumer.consume(handle, {
    concurrency,
    nakDelayMs: NAK_DELAY_MS,
    onError: (err) => {
      if (err instanceof PaymentDeclinedError) stats.failures++;
      else stats.errors.push(err);
    },
  });
  return { stats, consuming };
}
