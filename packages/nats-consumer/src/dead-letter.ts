import {
  assertStreamName,
  assertSubject,
  type ConfigReason,
  type Connection,
  type DeadLetterOperation,
  getHeader,
  isHelixError,
  JetStreamApiError,
  JetStreamCodes,
  NotFoundError,
  toHelixError,
} from "@helix/nats-core";
import { retryDelay, runOperation, sleep } from "@helix/nats-core/internal";
import { headers as createHeaders, type MsgHdrs } from "@nats-io/transport-node";
import type { HelixMsg } from "./msg.js";
import type { DeadLetterOptions } from "./types.js";

/*
 * Storing a message that failed for good in a dead-letter stream, as a `deadletter` operation.
 * The consume terms the original only once this resolved: after a failure here the message is
 * nak'ed (it comes back), or on its last delivery held and stored again, so nothing is lost
 * between the two.
 */

/** The prefix of every header helix adds to a dead letter. */
export const DEAD_LETTER_HEADER_PREFIX = "Helix-Dead-Letter-";

/** The headers a dead letter carries besides the original ones (each with the prefix above). */
export const DeadLetterHeaders = Object.freeze({
  /** `max_deliver` (the last delivery failed) or `permanent` (a permanent error). */
  reason: "Helix-Dead-Letter-Reason",
  /** The error's code (helix errors) or class name. */
  errorType: "Helix-Dead-Letter-Error-Type",
  /** The error's message: one line, at most 256 characters, URL credentials masked. */
  errorMessage: "Helix-Dead-Letter-Error-Message",
  /** The delivery that failed, from 1. */
  deliveryCount: "Helix-Dead-Letter-Delivery-Count",
  /** The stream the message came from. */
  stream: "Helix-Dead-Letter-Stream",
  /** Its sequence in that stream. */
  sequence: "Helix-Dead-Letter-Sequence",
  /** The consumer whose handler failed. */
  consumer: "Helix-Dead-Letter-Consumer",
  /** The subject it was published to (replay publishes there again). */
  subject: "Helix-Dead-Letter-Subject",
  /** When it was dead-lettered (RFC 3339, UTC). */
  time: "Helix-Dead-Letter-Time",
  /** The original `Nats-Msg-Id`, when it had one. */
  msgId: "Helix-Dead-Letter-Msg-Id",
});

/** Why a message is dead-lettered. */
export type DeadLetterReason = "max_deliver" | "permanent";

/** The longest error message a dead letter carries. */
const MAX_ERROR_MESSAGE = 256;

/** How often a transient failure to store a dead letter is tried again. */
const STORE_TRIES = 3;

/** The default dead-letter stream of `stream`. */
export function defaultDeadLetterStream(stream: string): string {
  return `DEAD_LETTERS_${stream}`;
}

/** The default dead-letter subject of a consumer. */
export function defaultDeadLetterSubject(stream: string, consumer: string): string {
  return `$helix.dlq.${stream}.${consumer}`;
}

/** Where one consume stores its dead letters. */
export interface DeadLetterTarget {
  readonly stream: string;
  readonly subject: string;
  /** True for the default stream: created on first need. */
  readonly create: boolean;
}

/** The target of a `deadLetter` option, or `undefined` when dead letters are off. */
export function deadLetterTarget(
  option: boolean | DeadLetterOptions | undefined,
  stream: string,
  consumer: string,
): DeadLetterTarget | undefined {
  if (option === undefined || option === false) return undefined;
  const o = option === true ? {} : option;
  return {
    stream: o.stream ?? defaultDeadLetterStream(stream),
    subject: o.subject ?? defaultDeadLetterSubject(stream, consumer),
    create: o.stream === undefined,
  };
}

/** Every problem of a `deadLetter` option, with its path. */
export function deadLetterReasons(option: unknown): ConfigReason[] {
  if (option === undefined || typeof option === "boolean") return [];
  if (typeof option !== "object" || option === null || Array.isArray(option)) {
    return [{ message: "deadLetter must be a boolean or an object", path: ["deadLetter"] }];
  }
  const reasons: ConfigReason[] = [];
  const o = option as Record<string, unknown>;
  if (o.stream !== undefined) {
    try {
      assertStreamName(o.stream);
    } catch (err) {
      reasons.push({ message: (err as Error).message, path: ["deadLetter", "stream"] });
    }
  }
  if (o.subject !== undefined) {
    try {
      assertSubject(o.subject, "publish", "deadLetter.subject");
    } catch (err) {
      reasons.push({ message: (err as Error).message, path: ["deadLetter", "subject"] });
    }
  }
  for (const key of Object.keys(o)) {
    if (key !== "stream" && key !== "subject") {
      reasons.push({ message: `unknown deadLetter option "${key}"`, path: ["deadLetter", key] });
    }
  }
  return reasons;
}

/** Where a dead letter was stored. */
export interface StoredDeadLetter {
  readonly stream: string;
  readonly seq: number;
  /** True when the stream had it already (stored before, the term then failed). */
  readonly duplicate: boolean;
}

/**
 * Stores the dead letters of one consume. The dead-letter stream is looked up (the default one
 * created) once, on the first dead letter.
 */
export class DeadLetterStore {
  readonly #conn: Connection;
  readonly target: DeadLetterTarget;
  #ready: Promise<void> | undefined;

  constructor(conn: Connection, target: DeadLetterTarget) {
    this.#conn = conn;
    this.target = target;
  }

  /**
   * Publishes `msg` to the dead-letter stream as a `deadletter` operation: its subject's
   * payload and headers (trace context included; `Nats-*` headers left out, the original
   * `Nats-Msg-Id` kept as `Helix-Dead-Letter-Msg-Id`) plus the reason headers. Its msg id is
   * derived from the original stream, consumer and sequence, so a second try after a lost
   * answer is a duplicate, not a second copy. Transient failures are tried again (3 tries).
   */
  store(msg: HelixMsg, reason: DeadLetterReason, error: unknown): Promise<StoredDeadLetter> {
    const info = msg.info;
    const errorType = errorTypeOf(error);
    const op: DeadLetterOperation = {
      kind: "deadletter",
      client: this.#conn.client,
      stream: this.target.stream,
      consumer: info.consumer,
      message: msg.delivered,
      reason,
      errorType,
      subject: this.target.subject,
    };
    const h = deadLetterHeaders(msg, reason, errorType, error);
    const msgID = `dlq:${info.stream}:${info.consumer}:${info.streamSequence}`;
    return runOperation(this.#conn, op, async () => {
      await this.#ensureStream();
      for (let attempt = 1; ; attempt++) {
        try {
          const ack = await this.#conn.jetstream.publish(this.target.subject, msg.data, {
            headers: h,
            msgID,
            expect: { streamName: this.target.stream },
          });
          op.seq = ack.seq;
          return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
        } catch (err) {
          const mapped = toHelixError(err, { operation: "deadletter" });
          if (!mapped.retryable || attempt >= STORE_TRIES) throw mapped;
          // Keeps the original from being redelivered meanwhile.
          void msg.working().catch(() => {});
          await sleep(
            retryDelay(attempt, { initialDelayMs: 250, maxDelayMs: 1_000 }),
            undefined,
            "deadletter",
          );
        }
      }
    });
  }

  /** Looks the dead-letter stream up once; the default one is created when missing. */
  #ensureStream(): Promise<void> {
    this.#ready ??= this.#lookUp().catch((err: unknown) => {
      this.#ready = undefined; // the next dead letter tries again
      throw err;
    });
    return this.#ready;
  }

  async #lookUp(): Promise<void> {
    const jsm = await this.#conn.manager();
    const { stream, subject, create } = this.target;
    try {
      await jsm.streams.info(stream);
      return;
    } catch (err) {
      const mapped = toHelixError(err, { what: "stream", resource: stream });
      if (mapped.code !== "NOT_FOUND") throw mapped;
      if (!create) {
        throw new NotFoundError("stream", stream, {
          cause: new Error(
            `the dead-letter stream "${stream}" does not exist: create it (capturing "${subject}") or leave deadLetter.stream unset for the default`,
          ),
        });
      }
    }
    try {
      await jsm.streams.add({
        name: stream,
        subjects: [subject.slice(0, subject.lastIndexOf(".") + 1).concat(">")],
        retention: "limits" as never,
        storage: "file" as never,
      });
    } catch (err) {
      // Another worker created it first.
      const mapped = toHelixError(err, { what: "stream", resource: stream });
      if (
        !(mapped instanceof JetStreamApiError && mapped.apiCode === JetStreamCodes.StreamNameInUse)
      )
        throw mapped;
    }
  }
}

const TRACE_HEADERS = new Set(["traceparent", "tracestate"]);

/**
 * Appends a message's own headers to `out`: every header but the server's (`Nats-*`) and a dead
 * letter's reasons (`Helix-Dead-Letter-*`); the trace context only when `traceContext` is true.
 */
export function appendUserHeaders(
  from: MsgHdrs,
  out: MsgHdrs,
  options: { traceContext: boolean },
): void {
  for (const [key, values] of from) {
    const lower = key.toLowerCase();
    if (lower.startsWith("nats-") || key.startsWith(DEAD_LETTER_HEADER_PREFIX)) continue;
    if (!options.traceContext && TRACE_HEADERS.has(lower)) continue;
    for (const value of values) out.append(key, value);
  }
}

/** The headers of a dead letter: the original ones but `Nats-*`, plus the reason headers. */
export function deadLetterHeaders(
  msg: HelixMsg,
  reason: DeadLetterReason,
  errorType: string,
  error: unknown,
  now: Date = new Date(),
): MsgHdrs {
  const out = createHeaders();
  if (msg.headers !== undefined) appendUserHeaders(msg.headers, out, { traceContext: true });
  const info = msg.info;
  out.set(DeadLetterHeaders.reason, reason);
  out.set(DeadLetterHeaders.errorType, errorType);
  out.set(DeadLetterHeaders.errorMessage, safeErrorMessage(error));
  out.set(DeadLetterHeaders.deliveryCount, String(info.deliveryCount));
  out.set(DeadLetterHeaders.stream, info.stream);
  out.set(DeadLetterHeaders.sequence, String(info.streamSequence));
  out.set(DeadLetterHeaders.consumer, info.consumer);
  out.set(DeadLetterHeaders.subject, msg.subject);
  out.set(DeadLetterHeaders.time, now.toISOString());
  const id = getHeader(msg.headers, "Nats-Msg-Id");
  if (id) out.set(DeadLetterHeaders.msgId, id);
  return out;
}

/** The low-cardinality type of an error: a helix error's code, else its class name. */
export function errorTypeOf(error: unknown): string {
  if (isHelixError(error)) return error.code;
  if (error instanceof Error) return error.name || "Error";
  return typeof error;
}

/**
 * An error's message fit for a header: one line, URL credentials masked (`//user:pass@` →
 * `//***@`), at most 256 characters.
 */
export function safeErrorMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const line = raw
    .replace(/[\r\n\t]+/g, " ")
    .replace(/\/\/[^/\s@]+@/g, "//***@")
    .trim();
  return line.length > MAX_ERROR_MESSAGE ? `${line.slice(0, MAX_ERROR_MESSAGE - 3)}...` : line;
}
