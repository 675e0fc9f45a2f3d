import {
  COMPLETED,
  type Connection,
  DecodeError,
  type SettleAction,
  type SettleOperation,
  toHelixError,
  ValidationError,
} from "@helix/nats-core";
import { versionAtLeast } from "@helix/nats-core/internal";
import type { JsMsg } from "@nats-io/jetstream";
import type { MsgHdrs, NatsConnection } from "@nats-io/transport-node";
import { flushQueuedAcks, queueAck } from "./ack-batch.js";
import { LazyDeliveredMessage } from "./delivered-message.js";
import type { DeliveryInfo, Msg, PullTarget } from "./types.js";

const decoder = new TextDecoder();

/** Servers before 2.10 ignore `+TERM <reason>` entirely (the message stays pending). */
const TERM_REASON_MIN_VERSION = "2.10.0";

/**
 * The consumer name a puller can give its messages without parsing their reply subjects: its
 * target's, except for an ordered consumer, which the client renames on every reset.
 */
export function knownConsumer(target: PullTarget): string | undefined {
  return target.ordered ? undefined : target.name;
}

/** The `Msg` implementation: tracks whether the message was settled, runs settling as `settle` ops. */
export class HelixMsg implements Msg {
  readonly raw: JsMsg;
  readonly delivered: LazyDeliveredMessage;
  readonly #conn: Connection;
  /** The consumer that delivered it, when its puller knows (see `SettleOperation.consumer`). */
  readonly #consumer: string | undefined;
  #settled = false;

  constructor(conn: Connection, raw: JsMsg, consumer?: string) {
    this.#conn = conn;
    this.raw = raw;
    this.delivered = new LazyDeliveredMessage(raw);
    this.#consumer = consumer;
  }

  get subject(): string {
    return this.raw.subject;
  }

  get data(): Uint8Array {
    return this.raw.data;
  }

  get headers(): MsgHdrs | undefined {
    return this.raw.headers;
  }

  get seq(): number {
    return this.delivered.info.streamSequence;
  }

  get info(): DeliveryInfo {
    return this.delivered.info;
  }

  get settled(): boolean {
    return this.#settled;
  }

  json<T = unknown>(): T {
    const text = this.string();
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      // The SyntaxError quotes the body: it stays the cause, out of the message (logs, spans).
      const { stream, streamSequence: seq } = this.info;
      throw new DecodeError(
        `msg.json(): message ${seq} of stream "${stream}" (subject "${this.subject}") is not JSON (${this.raw.data.length} bytes)`,
        { subject: this.subject, stream, seq },
        { cause },
      );
    }
  }

  string(): string {
    return decoder.decode(this.raw.data);
  }

  /**
   * Acks the message. Resolves once the ack is queued on the connection (no answer from the
   * server: `ackAck()` waits for one); the acks queued during one macrotask are written together
   * at its end (see ack-batch.ts).
   */
  ack(): Promise<void> {
    return this.#settle("ack", undefined, undefined, sendAck);
  }

  ackAck(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      return Promise.reject(
        new ValidationError("timeoutMs", "ackAck timeoutMs must be a positive number", {
          value: timeoutMs,
        }),
      );
    }
    return this.#settle("ack", undefined, undefined, async (raw) => {
      await raw.ackAck(timeoutMs === undefined ? undefined : { timeout: timeoutMs });
    });
  }

  nak(delayMs?: number): Promise<void> {
    if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0)) {
      return Promise.reject(
        new ValidationError("delayMs", "nak delayMs must be a non-negative number", {
          value: delayMs,
        }),
      );
    }
    const delay = delayMs === undefined ? undefined : Math.floor(delayMs);
    return this.#settle("nak", delay, undefined, (raw) => raw.nak(delay));
  }

  term(reason?: string): Promise<void> {
    if (reason !== undefined && typeof reason !== "string") {
      return Promise.reject(
        new ValidationError("reason", "term reason must be a string", { value: reason }),
      );
    }
    // The reason still reaches the middleware; only a 2.10+ server gets it on the wire.
    const sendReason = versionAtLeast(this.#conn.nats.info?.version, TERM_REASON_MIN_VERSION);
    return this.#settle("term", undefined, reason, (raw) =>
      raw.term(sendReason ? reason : undefined),
    );
  }

  /**
   * Internal (not on `Msg`): a nak without delay, as a `settle` operation like `nak()`. With
   * `confirm`, the nak carries a reply subject and resolves once the server answered that it
   * applied it (bounded by `timeoutMs`); naks the server received before it on this consumer are
   * applied by then too. A message without a reply subject to answer on gets a plain nak.
   */
  release(confirm: boolean, timeoutMs: number): Promise<void> {
    if (!confirm) return this.nak();
    const nats = this.#conn.nats;
    return this.#settle("nak", undefined, undefined, (raw) => confirmedNak(nats, raw, timeoutMs));
  }

  working(): Promise<void> {
    if (this.#settled) return Promise.resolve();
    return this.#run("working", undefined, undefined, sendWorking);
  }

  #settle(
    action: Exclude<SettleAction, "working">,
    delayMs: number | undefined,
    reason: string | undefined,
    send: Send,
  ): Promise<void> {
    // A message settles once: a second ack/nak/term is a no-op (the server would ignore it).
    if (this.#settled) return Promise.resolve();
    this.#settled = true;
    return this.#run(action, delayMs, reason, send);
  }

  /**
   * Runs `send` as a `settle` operation. A send that completes synchronously (ack, nak, term,
   * working: the client only queues the reply) answers `SENT`, which a middleware that passes
   * `next()` through hands back unchanged, so that consume can tell "done" without a tick.
   */
  #run(
    action: SettleAction,
    delayMs: number | undefined,
    reason: string | undefined,
    send: Send,
  ): Promise<void> {
    const raw = this.raw;
    const conn = this.#conn;
    // No middleware with anything to do (none, or all idle): nothing to describe the operation to.
    if (conn.middleware.idle()) return sendNow(raw, conn, action, send);
    const client = conn.client;
    const message = this.delivered;
    const consumer = this.#consumer;
    const op: SettleOperation =
      delayMs !== undefined
        ? { kind: "settle", client, action, message, consumer, delayMs }
        : reason !== undefined
          ? { kind: "settle", client, action, message, consumer, reason }
          : { kind: "settle", client, action, message, consumer };
    // Hot per-message path: conn.run, not runOperation, so a settle allocates no extra closures and keeps its SENT fast path (benchmarked).
    return conn.run(op, () => sendNow(raw, conn, action, send));
  }
}

/**
 * Runs `send`, mapping its failure; `SENT` when it completed synchronously. Any other settle
 * than a plain ack first writes the acks queued on the connection, so the server gets every
 * settle in the order it was made.
 */
function sendNow(raw: JsMsg, conn: Connection, action: SettleAction, send: Send): Promise<void> {
  let sent: void | Promise<void>;
  try {
    if (send !== sendAck) flushQueuedAcks(conn.nats);
    sent = send(raw, conn);
  } catch (err) {
    return Promise.reject(toHelixError(err, { operation: `settle.${action}` }));
  }
  if (sent === undefined) return SENT;
  return sent.then(undefined, (err: unknown) => {
    throw toHelixError(err, { operation: `settle.${action}` });
  });
}

type Send = (raw: JsMsg, conn: Connection) => void | Promise<void>;

const NAK = new TextEncoder().encode("-NAK");

/** `-NAK` as a request: the server answers once it applied it. */
async function confirmedNak(nats: NatsConnection, raw: JsMsg, timeoutMs: number): Promise<void> {
  // The client's JsMsg has its reply subject at run time (its type does not declare it).
  const reply = (raw as { reply?: unknown }).reply;
  if (typeof reply !== "string" || reply === "") return raw.nak();
  await nats.request(reply, NAK, { timeout: timeoutMs });
}

const sendAck: Send = (raw, conn) => queueAck(conn, raw);
const sendWorking: Send = (raw) => raw.working();

/**
 * The promise a settle that was sent synchronously resolves with: core's shared, already
 * resolved `COMPLETED` (consume compares against it to skip a microtask per message, and so do
 * middlewares such as the otel plugin's). Never rejects.
 */
export const SENT: Promise<void> = COMPLETED;
