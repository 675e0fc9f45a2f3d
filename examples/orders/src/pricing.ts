// The pricing service: the demo's core NATS request/reply step (@helix/nats-pubsub). The worker
// asks it for an order's total before it publishes the "done" event; the request, the service's
// handler and its response are spans of the order's trace (send → process → send _INBOX).
import type { Connection } from "@helix/nats-core";
import { createPubSub, type Subscription } from "@helix/nats-pubsub";
import type { Names, Order } from "./order.js";

/** What the pricing service answers. */
export interface Quote {
  /** Cents. */
  total: number;
}

/**
 * The service's subject: outside the orders stream (whose subjects are `<stream>.>`), or
 * JetStream would store each request and answer it with an ack.
 */
export function pricingSubject(names: Names): string {
  return `pricing.${names.stream}.quote`;
}

/** Starts the service: a reply handler in the queue group "pricing"; `conn.drain()` stops it. */
export function startPricing(conn: Connection, names: Names): Subscription {
  return createPubSub(conn).reply(
    pricingSubject(names),
    (msg): Quote => {
      const order = msg.json<Order>();
      return { total: order.quantity * order.price };
    },
    { queue: "pricing", concurrency: 8 },
  );
}

/** The worker's side: asks the service for an order's total. */
export function pricingClient(conn: Connection, names: Names): (order: Order) => Promise<number> {
  const ps = createPubSub(conn);
  const subject = pricingSubject(names);
  // A retry on no responders only: the service may still be starting; a timeout is not retried.
  return async (order) =>
    (await ps.request(subject, order, { timeoutMs: 5_000, retry: { attempts: 3 } })).json<Quote>()
      .total;
}
