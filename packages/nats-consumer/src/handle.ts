import { type CallOptions, type Connection, ValidationError } from "@helix/nats-core";
import { requireServerVersion } from "@helix/nats-core/internal";
import type {
  ConsumerConfig as ClientConsumerConfig,
  ConsumerInfo,
  Consumer as RawConsumer,
} from "@nats-io/jetstream";
import { startConsume } from "./consume.js";
import { consumeHealth } from "./consumer-health.js";
import { assertHandlingOptions } from "./failure-policy.js";
import { fetchBatch, fetchNoWait } from "./fetch.js";
import { startMessages } from "./messages.js";
import { runConsumerCall } from "./operation.js";
import {
  assertGroupName,
  PRIORITY_GROUPS_FEATURE,
  PRIORITY_GROUPS_MIN_VERSION,
  priorityGroupStates,
} from "./priority.js";
import { withSchema } from "./schema.js";
import type {
  ConsumeContext,
  ConsumeOptions,
  Consumer,
  ConsumerDetails,
  FetchOptions,
  MessagesContext,
  MessagesOptions,
  Msg,
  MsgHandler,
  PauseState,
  PullTarget,
  TypedMsgHandler,
} from "./types.js";
import { assertPauseUntil, requirePause } from "./validation.js";

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

  info(options: CallOptions = {}): Promise<ConsumerDetails> {
    return runConsumerCall(
      this.conn,
      { kind: "consumer.get", stream: this.stream, consumer: this.name, ordered: this.ordered },
      options.signal,
      async () => withPauseState(await this.raw.info(false)),
    );
  }

  async pause(until: Date, options: CallOptions = {}): Promise<PauseState> {
    assertPauseUntil(until, "until");
    return this.#pauseCall("consumer.pause", until, options);
  }

  async resume(options: CallOptions = {}): Promise<PauseState> {
    return this.#pauseCall("consumer.resume", undefined, options);
  }

  async unpin(group: string, options: CallOptions = {}): Promise<void> {
    assertGroupName(group);
    requireServerVersion(
      this.conn.nats.info?.version,
      PRIORITY_GROUPS_FEATURE,
      PRIORITY_GROUPS_MIN_VERSION,
    );
    const name = this.name;
    await runConsumerCall(
      this.conn,
      { kind: "consumer.unpin", stream: this.stream, consumer: name, ordered: this.ordered, group },
      options.signal,
      (jsm) => jsm.consumers.unpin(this.stream, name, group),
    );
  }

  /** `pause` and `resume`: refused before 2.11 and for an ordered consumer, before any I/O. */
  #pauseCall(
    kind: "consumer.pause" | "consumer.resume",
    until: Date | undefined,
    options: CallOptions,
  ): Promise<PauseState> {
    requirePause(this.conn.nats.info?.version);
    if (this.ordered) {
      throw new ValidationError("consumer", "an ordered consumer cannot be paused or resumed");
    }
    const name = this.name;
    return runConsumerCall(
      this.conn,
      { kind, stream: this.stream, consumer: name, ordered: false, pauseUntil: until },
      options.signal,
      async (jsm) => {
        const r =
          until === undefined
            ? await jsm.consumers.resume(this.stream, name)
            : await jsm.consumers.pause(this.stream, name, until);
        return pauseState(r.paused, r.pause_until);
      },
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

  consume(
    handler: MsgHandler | TypedMsgHandler<never>,
    options: ConsumeOptions = {},
  ): ConsumeContext {
    assertHandlingOptions(options);
    const startHealth = consumeHealth(this, options);
    const ctx = startConsume(this, withSchema(this, handler, options), options);
    startHealth?.(ctx);
    return ctx;
  }

  messages(options: MessagesOptions = {}): MessagesContext {
    return startMessages(this, options);
  }
}

/** The server's pause answer as a `PauseState`. */
function pauseState(paused: boolean | undefined, until: string | undefined): PauseState {
  const date = paused === true && until ? new Date(until) : undefined;
  return {
    paused: paused === true,
    pauseUntil: date !== undefined && !Number.isNaN(date.getTime()) ? date : undefined,
  };
}

/** Consumer info with `paused` and `pauseRemainingMs` (the server reports nanoseconds). */
export function withPauseState(info: ConsumerInfo): ConsumerDetails {
  const paused = info.paused === true;
  const remaining = (info as { pause_remaining?: unknown }).pause_remaining;
  return {
    ...info,
    paused,
    priorityGroups: priorityGroupStates(info),
    pauseRemainingMs:
      paused && typeof remaining === "number"
        ? Math.max(0, Math.round(remaining / 1e6))
        : undefined,
  };
}
