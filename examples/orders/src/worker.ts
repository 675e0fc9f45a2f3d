// The worker: consumes orders with a few handlers in flight, records each order's state in the KV
// bucket and publishes a "done" event. It fails some orders on purpose: most on their first
// delivery only (the handler throws, the message is nak'ed with the retry schedule's delay and
// redelivered, the second try succeeds), and order 13 on every delivery: after the consumer's
// last delivery (max_deliver) it goes to the dead-letter stream, and only then is it term'ed.
import { type ConsumeContext, createConsumerManager, type Msg } from "@helix/nats-consumer";
import type { Connection, DeadLetterOperation, Middleware } from "@helix/nats-core";
import type { KeyValue } from "@helix/nats-kv";
import { createPublisher } from "@helix/nats-stream";
import { type Names, type Order, type OrderDone, type OrderState, orderKey } from "./order.js";
import { pricingClient } from "./pricing.js";

/** The retry schedule: the delay before the 2nd delivery, then before the 3rd (and last). */
export const RETRY_DELAYS_MS = [200, 400];
/** Deliveries of one order at most: after the last one fails, it is dead-lettered. */
export const MAX_DELIVER = 3;
/** The order whose payment is always declined: it is dead-lettered. */
export const ALWAYS_DECLINED = 13;

/** The failure injected on purpose; deterministic, so a run is reproducible. */
export class PaymentDeclinedError extends Error {
  override readonly name = "PaymentDeclinedError";
}

/**
 * About 1.2% of orders (every 83rd, from order 7 on: 7, 90, 173, …, so even a short run has one)
 * fail on their first delivery.
 */
export function failsOnPurpose(id: number, deliveryCount: number): boolean {
  return id === ALWAYS_DECLINED || (id % 83 === 7 && deliveryCount === 1);
}

export interface WorkerStats {
  /** Distinct orders handled successfully. */
  processed: Set<number>;
  /** Deliveries after the first one (`deliveryCount > 1`), as the server counted them. */
  redelivered: number;
  /** Handler failures (injected or not). */
  failures: number;
  /** Orders stored in the dead-letter stream (seen by a middleware on the `deadletter` operation). */
  deadLettered: Set<number>;
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
  /** Called with the orders handled so far: processed, or dead-lettered. */
  onHandled: (handled: number) => void,
): Promise<Worker> {
  const consumer = await createConsumerManager(conn).createOrUpdate(names.stream, {
    durable_name: "fulfilment",
    filter_subject: names.created,
    ack_policy: "explicit",
    ack_wait: 10_000_000_000, // 10 s in nanoseconds: redeliver an order whose worker vanished
    max_deliver: MAX_DELIVER,
  });
  const events = createPublisher(conn);
  const price = pricingClient(conn, names); // request/reply to the pricing service (pricing.ts)
  const stats: WorkerStats = {
    processed: new Set(),
    redelivered: 0,
    failures: 0,
    deadLettered: new Set(),
    errors: [],
  };
  const handled = () => onHandled(stats.processed.size + stats.deadLettered.size);

  // Every operation goes through the connection's middleware stack: this one counts the orders
  // that were stored as dead letters, once the dead-letter stream has them.
  const countDeadLetters: Middleware = (op, next) => {
    if (op.kind !== "deadletter") return next();
    return next().then((result) => {
      const order = JSON.parse(new TextDecoder().decode((op as DeadLetterOperation).message?.data));
      stats.deadLettered.add((order as Order).id);
      handled();
      return result;
    });
  };
  conn.middleware.add(countDeadLetters, { name: "orders-dead-letters" });

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
    const done: OrderDone = { id: order.id, attempt, total: await price(order) };
    await events.publish(names.done, done, { msgID: `done-${order.id}` });
    stats.processed.add(order.id);
    handled();
  };

  const consuming = consumer.consume(handle, {
    concurrency,
    // A failed order comes back after 200 ms, then 400 ms; past max_deliver it is dead-lettered.
    retry: { delaysMs: RETRY_DELAYS_MS },
    deadLetter: true, // DEAD_LETTERS_<stream>, created on the first dead letter
    onError: (err) => {
      if (err instanceof PaymentDeclinedError) stats.failures++;
      else stats.errors.push(err);
    },
  });
  return { stats, consuming };
}
