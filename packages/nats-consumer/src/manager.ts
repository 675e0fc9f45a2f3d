import {
  assertConsumerName,
  assertStreamName,
  type CallOptions,
  type Connection,
  type ConsumerOperationKind,
  isConnection,
  type NotFoundError,
  toHelixError,
  ValidationError,
} from "@helix/nats-core";
import {
  AckPolicy,
  type ConsumerInfo,
  type JetStreamManager,
  type Consumer as RawConsumer,
} from "@nats-io/jetstream";
import { ConsumerHandle } from "./handle.js";
import { runConsumerCall } from "./operation.js";
import type {
  Consumer,
  ConsumerConfig,
  ConsumerManager,
  OrderedConfig,
  StreamConsumers,
  WireConsumerConfig,
} from "./types.js";
import {
  assertConsumerConfig,
  assertOrderedConfig,
  normalizeConsumerConfig,
  normalizeOrderedConfig,
} from "./validation.js";

/**
 * Creates the consumer manager of `conn` (Go: `JetStream.Consumer/CreateOrUpdateConsumer/
 * OrderedConsumer/DeleteConsumer`, and the same on `Stream` through `forStream`).
 */
export function createConsumerManager(conn: Connection): ConsumerManager {
  if (!isConnection(conn)) {
    throw new ValidationError("conn", "createConsumerManager needs a Connection from connect()");
  }
  return new HelixConsumerManager(conn);
}

class HelixConsumerManager implements ConsumerManager {
  readonly #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  async get(stream: string, name: string, options: CallOptions = {}): Promise<Consumer> {
    return this.#runNamed("consumer.get", stream, name, options, async () => {
      const raw = await this.#conn.jetstream.consumers.get(stream, name);
      return new ConsumerHandle(this.#conn, raw, await raw.info(true), false);
    });
  }

  async createOrUpdate(
    stream: string,
    config: ConsumerConfig,
    options: CallOptions = {},
  ): Promise<Consumer> {
    assertStreamName(stream);
    assertConsumerConfig(config, this.#conn.nats.info?.version);
    const wire = normalizeConsumerConfig(config);
    const name = wire.durable_name ?? wire.name;
    return runConsumerCall(
      this.#conn,
      {
        kind: "consumer.create",
        stream,
        consumer: name,
        pauseUntil: wire.pause_until ? new Date(wire.pause_until) : undefined,
      },
      options.signal,
      async (jsm, op) => {
        const info = await createOrUpdate(jsm, stream, name, wire);
        op.consumer = info.name;
        return this.#handle(info);
      },
    );
  }

  async ordered(
    stream: string,
    config: OrderedConfig = {},
    options: CallOptions = {},
  ): Promise<Consumer> {
    assertStreamName(stream);
    assertOrderedConfig(config, this.#conn.nats.info?.version);
    const opts = normalizeOrderedConfig(config);
    return runConsumerCall(
      this.#conn,
      { kind: "consumer.ordered", stream, consumer: undefined, ordered: true },
      options.signal,
      async (_jsm, op) => {
        const raw = await this.#conn.jetstream.consumers.get(stream, opts);
        const info = await raw.info(true);
        op.consumer = info.name;
        return new ConsumerHandle(this.#conn, raw, info, true);
      },
    );
  }

  async delete(stream: string, name: string, options: CallOptions = {}): Promise<void> {
    await this.#runNamed("consumer.delete", stream, name, options, (jsm) =>
      jsm.consumers.delete(stream, name),
    );
  }

  async list(stream: string, options: CallOptions = {}): Promise<Consumer[]> {
    assertStreamName(stream);
    return runConsumerCall(
      this.#conn,
      { kind: "consumer.list", stream, consumer: undefined },
      options.signal,
      async (jsm) => {
        const out: Consumer[] = [];
        for await (const info of jsm.consumers.list(stream)) {
          // Push consumers are listed by the server but are not helix consumers.
          if (typeof info.config.deliver_subject === "string") continue;
          out.push(this.#handle(info));
        }
        return out;
      },
    );
  }

  forStream(stream: string): StreamConsumers {
    assertStreamName(stream);
    return {
      stream,
      get: (name, options) => this.get(stream, name, options),
      createOrUpdate: (config, options) => this.createOrUpdate(stream, config, options),
      ordered: (config, options) => this.ordered(stream, config, options),
      delete: (name, options) => this.delete(stream, name, options),
      list: (options) => this.list(stream, options),
    };
  }

  /** A call about one named consumer; both names are checked before any I/O. */
  #runNamed<T>(
    kind: ConsumerOperationKind,
    stream: string,
    name: string,
    options: CallOptions,
    terminal: (jsm: JetStreamManager) => Promise<T>,
  ): Promise<T> {
    assertStreamName(stream);
    assertConsumerName(name);
    return runConsumerCall(this.#conn, { kind, stream, consumer: name }, options.signal, terminal);
  }

  /** A handle from consumer info, without another round trip to the server. */
  #handle(info: ConsumerInfo): ConsumerHandle {
    const consumers = this.#conn.jetstream.consumers as unknown as {
      getConsumerFromInfo?: (ci: ConsumerInfo) => RawConsumer;
    };
    if (typeof consumers.getConsumerFromInfo !== "function") {
      throw new ValidationError(
        "client",
        "this @nats-io/jetstream version lacks getConsumerFromInfo",
      );
    }
    return new ConsumerHandle(this.#conn, consumers.getConsumerFromInfo(info), info, false);
  }
}

/** Updates a named consumer that exists, creates it otherwise (ephemeral: always creates). */
async function createOrUpdate(
  jsm: JetStreamManager,
  stream: string,
  name: string | undefined,
  config: WireConsumerConfig,
): Promise<ConsumerInfo> {
  // A new consumer acks explicitly unless told otherwise (as Go's jetstream package does): the
  // server's own default, none, loses every message a handler fails.
  const created = { ack_policy: AckPolicy.Explicit, ...config };
  if (name === undefined) return jsm.consumers.add(stream, created);
  const existing = await jsm.consumers.info(stream, name).catch((err: unknown) => {
    if (isConsumerNotFound(err)) return undefined;
    throw err;
  });
  if (existing === undefined) return jsm.consumers.add(stream, created);
  // An update keeps the policy the consumer has (the server refuses to change it).
  const { durable_name: _durable, name: _name, ...changes } = config;
  return jsm.consumers.update(stream, name, changes);
}

function isConsumerNotFound(err: unknown): boolean {
  const e = toHelixError(err);
  return e.code === "NOT_FOUND" && (e as NotFoundError).what === "consumer";
}
