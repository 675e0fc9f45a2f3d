// The producer: publishes every order with `publishAsync` through a window of pending acks, each
// with its own message ID (so a retried publish is stored once).
import type { Connection } from "@helix/nats-core";
import { createPublisher } from "@helix/nats-stream";
import { makeOrder } from "./order.js";

/** Publishes between two turns of the event loop. */
const YIELD_EVERY = 32;

export interface ProduceResult {
  /** IDs of the orders the stream acknowledged. */
  acked: Set<number>;
  failed: number;
  firstError: unknown;
  seconds: number;
}

export async function produceOrders(
  conn: Connection,
  subject: string,
  count: number,
  onAck: (acked: number) => void,
  signal: AbortSignal,
): Promise<ProduceResult> {
  const started = performance.now();
  const publisher = createPublisher(conn, { maxPending: 256 });
  const acked = new Set<number>();
  const acks: Promise<unknown>[] = [];
  for (let id = 1; id <= count && !signal.aborted; id++) {
    // While the window has room, publishAsync resolves without a turn of the event loop: yield
    // now and then, so that acks, the progress bar and Ctrl-C are not held up behind the loop.
    if (id % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    // No per-publish signal: the loop checks it, and 256 waiting publishes would each listen to it.
    const future = await publisher.publishAsync(subject, makeOrder(id), { msgID: `order-${id}` });
    acks.push(
      future.ack.then(
        () => {
          acked.add(id);
          onAck(acked.size);
        },
        () => {}, // counted by complete()
      ),
    );
  }
  const { failed, firstError } = await publisher.complete();
  await Promise.all(acks);
  return { acked, failed, firstError, seconds: (performance.now() - started) / 1000 };
}
