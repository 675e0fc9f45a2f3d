import type { DeliveredMessage } from "@helix/nats-core";
import type { JsMsg } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";

/** Delivery facts of a JetStream message, as helix reports them. */
export interface DeliveryInfo {
  readonly stream: string;
  readonly consumer: string;
  readonly streamSequence: number;
  readonly deliverySequence: number;
  /** How many times this message was delivered (1 on the first delivery). */
  readonly deliveryCount: number;
  /** Messages left on the consumer after this one. */
  readonly pending: number;
  /** When the message was stored, in milliseconds since the epoch. */
  readonly timestampMs: number;
  /** The same instant as a `Date`. */
  readonly timestamp: Date;
}

/**
 * The `DeliveredMessage` middlewares see, built once per message over the client's `JsMsg`.
 * The delivery info (parsed from the reply subject) is computed on first access only.
 */
export class LazyDeliveredMessage implements DeliveredMessage {
  readonly #raw: JsMsg;
  #info: DeliveryInfo | undefined;

  constructor(raw: JsMsg) {
    this.#raw = raw;
  }

  get subject(): string {
    return this.#raw.subject;
  }

  get headers(): MsgHdrs | undefined {
    return this.#raw.headers;
  }

  get data(): Uint8Array {
    return this.#raw.data;
  }

  get info(): DeliveryInfo {
    if (this.#info === undefined) this.#info = toDeliveryInfo(this.#raw);
    return this.#info;
  }
}

function toDeliveryInfo(raw: JsMsg): DeliveryInfo {
  const i = raw.info;
  const timestampMs = Math.floor(i.timestampNanos / 1_000_000);
  return {
    stream: i.stream,
    consumer: i.consumer,
    streamSequence: i.streamSequence,
    deliverySequence: i.deliverySequence,
    deliveryCount: i.deliveryCount,
    pending: i.pending,
    timestampMs,
    timestamp: new Date(timestampMs),
  };
}
