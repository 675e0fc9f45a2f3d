import type { CallOptions, Connection } from "@helix/nats-core";
import type {
  ConsumerConfig as ClientConsumerConfig,
  ConsumerInfo,
  Consumer as RawConsumer,
} from "@nats-io/jetstream";
import { startConsume } from "./consume.js";
import { fetchBatch, fetchNoWait } from "./fetch.js";
import { startMessages } from "./messages.js";
import { runConsumerCall } from "./operation.js";
import type {
  ConsumeContext,
  ConsumeOptions,
  Consumer,
  FetchOptions,
  MessagesContext,
  MessagesOptions,
  Msg,
  MsgHandler,
  PullTarget,
} from "./types.js";

/**
 * The `Consumer` handle: name, stream, config and ordered flag as the server reported them. It is
 * the `PullTarget` its pulls (fetch, consume, messages) work on; they never import it.
 */
export class ConsumerHandle implements Consumer, PullTarget {
  readonly stream: string;
  readonly config: Readonly<ClientConsumerConfig>;
  readonly ordered: boolean;
  readonly raw: RawConsumer;
  readonly conn: Connection;
  readonly #initialName: string;

  constructor(conn: Connection, raw: RawConsumer, info: ConsumerInfo, ordered: boolean) {
    this.conn = conn;
    this.raw = raw;
    this.stream = info.stream_name;
    this.#initialName = info.name;
    this.config = Object.freeze({ ...info.config });
    this.ordered = ordered;
  }

  get name(): string {
    // The client's consumer keeps the current name (an ordered consumer gets a new one on reset).
    const current = (this.raw as { name?: unknown }).name;
    return typeof current === "string" && current !== "" ? current : this.#initialName;
  }

  info(options: CallOptions = {}): Promise<ConsumerInfo> {
    return runConsumerCall(
      this.conn,
      { kind: "consumer.get", stream: this.stream, consumer: this.name, ordered: this.ordered },
      options.signal,
      () => this.raw.info(false),
    );
  }

  fetch(batch: number, options: FetchOptions = {}): Promise<Msg[]> {
    return fetchBatch(this, "fetch", batch, options);
  }

  fetchBytes(maxBytes: number, options: FetchOptions = {}): Promise<Msg[]> {
    return fetchBatch(this, "fetchBytes", maxBytes, options);
  }

  fetchNoWait(batch: number, options: CallOptions = {}): Promise<Msg[]> {
    return fetchNoWait(this, batch, options);
  }

  consume(handler: MsgHandler, options: ConsumeOptions = {}): ConsumeContext {
    return startConsume(this, handler, options);
  }

  messages(options: MessagesOptions = {}): MessagesContext {
    return startMessages(this, options);
  }
}
