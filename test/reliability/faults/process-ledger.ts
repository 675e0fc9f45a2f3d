import type { Msg } from "@helix/nats-consumer";
import { getHeader } from "@helix/nats-core";

/** One handler run: the delivery count the server gave, and when (`performance.now()`). */
export interface Processing {
  deliveryCount: number;
  at: number;
}

/**
 * What consumer handlers processed: for every message ID, the delivery count of each time a
 * handler ran for it. A message processed twice must show a delivery count above 1 on its
 * repeat; that is how the server tells a handler it sees a redelivery.
 */
export class ProcessLedger {
  readonly deliveries = new Map<string, Processing[]>();
  /** Handlers that started and have not returned yet. */
  running = 0;
  started = 0;
  finished = 0;

  /** Records one processing of `msg` (keyed by its `Nats-Msg-Id`). */
  record(msg: Msg): void {
    const id = getHeader(msg.headers, "Nats-Msg-Id");
    if (id === undefined) throw new Error(`message ${msg.seq} has no Nats-Msg-Id`);
    const run = { deliveryCount: msg.info.deliveryCount, at: performance.now() };
    const seen = this.deliveries.get(id);
    if (seen) seen.push(run);
    else this.deliveries.set(id, [run]);
  }

  /** Wraps a handler: records the message, counts it as running until it returns. */
  wrap(work: (msg: Msg) => Promise<void> | void): (msg: Msg) => Promise<void> {
    return async (msg) => {
      this.running++;
      this.started++;
      try {
        this.record(msg);
        await work(msg);
      } finally {
        this.running--;
        this.finished++;
      }
    };
  }

  /** Distinct messages processed at least once. */
  get processed(): number {
    return this.deliveries.size;
  }

  /** Handler runs in total (repeats included). */
  get processings(): number {
    let total = 0;
    for (const counts of this.deliveries.values()) total += counts.length;
    return total;
  }

  /** Message IDs processed more than once. */
  repeated(): string[] {
    return [...this.deliveries].filter(([, counts]) => counts.length > 1).map(([id]) => id);
  }

  /**
   * Message IDs processed more than once where a repeat claimed to be a first delivery
   * (delivery count 1 twice): the server forgot it had delivered the message.
   */
  repeatedAsFirstDelivery(): string[] {
    return this.repeated().filter(
      (id) => (this.deliveries.get(id) ?? []).filter((run) => run.deliveryCount === 1).length > 1,
    );
  }

  /** The highest delivery count any handler saw. */
  maxDeliveryCount(): number {
    let max = 0;
    for (const runs of this.deliveries.values())
      for (const run of runs) if (run.deliveryCount > max) max = run.deliveryCount;
    return max;
  }
}
