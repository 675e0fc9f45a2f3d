// The order the demo moves through the pipeline, and where each part of it lives on NATS.
import { defaultDeadLetterStream } from "@helix/nats-consumer";

export interface Order {
  id: number;
  item: string;
  quantity: number;
  /** Cents. */
  price: number;
}

/** The state the worker records for an order in the KV bucket, under `orderKey(id)`. */
export interface OrderState {
  state: "failed" | "processed";
  /** The delivery that wrote this state (1 on the first delivery). */
  attempt: number;
}

/** The event the worker publishes once an order is processed; the summary fetches them. */
export interface OrderDone {
  id: number;
  attempt: number;
  total: number;
}

const ITEMS = ["coffee", "tea", "croissant", "bagel", "juice"];

export function makeOrder(id: number): Order {
  return {
    id,
    item: ITEMS[id % ITEMS.length] as string,
    quantity: (id % 3) + 1,
    price: 250 + (id % 7) * 50,
  };
}

export function orderKey(id: number): string {
  return `order.${id}`;
}

/** Names of the stream, subjects and bucket of one demo run (unique, so runs never collide). */
export interface Names {
  stream: string;
  created: string;
  done: string;
  bucket: string;
  /** The dead-letter stream the worker's consume creates on its first dead letter. */
  deadLetters: string;
}

export function namesFor(runId: string): Names {
  const stream = `ORDERS_${runId}`;
  return {
    stream,
    created: `${stream}.created`,
    done: `${stream}.done`,
    bucket: `${stream}_state`,
    deadLetters: defaultDeadLetterStream(stream),
  };
}
