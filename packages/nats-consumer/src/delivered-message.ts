import type { DeliveredMessage } from "@helix/nats-core";
import type { JsMsg } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";
import type { DeliveryInfo } from "./types.js";

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
