import {
  type BatchMessage,
  type Connection,
  type HelixError,
  type NotAFunction,
  type Payload,
  type PublishBatchAck,
  type PublishBatchOperation,
  toHelixError,
  ValidationError,
} from "@helix/nats-core";
import {
  abortable,
  assertOptionalInteger,
  assertUsable,
  DEFAULT_JETSTREAM_TIMEOUT_MS,
  requireServerVersion,
  runOperation,
  throwIfAborted,
} from "@helix/nats-core/internal";
import { type ApiError, JetStreamApiError } from "@nats-io/jetstream";
import { nuid } from "@nats-io/transport-node";
import { BatchPublishError } from "./errors.js";
import { prepareMessage } from "./publish-message.js";
import type { BatchCommitOptions, BatchMessageOptions, PublishBatch } from "./types.js";

/*
 * Atomic batch publish (nats-server 2.12+, ADR-50): on a stream created with `allow_atomic`,
 * messages carrying one `Nats-Batch-Id` and consecutive `Nats-Batch-Sequence` numbers are staged
 * by the server and stored together when the one with `Nats-Batch-Commit: 1` arrives, or not at
 * all. The server answers the commit with one ack (`batch`, `count`). Its limits: 1000 messages a
 * batch (its `max_batch_size` default), 50 batches in flight per stream, a batch idle for 10 s is
 * abandoned, `Nats-Expected-Last-Msg-Id` is refused inside a batch.
 *
 * The messages are kept here until `commit()`, so nothing reaches the server before the whole
 * batch is validated; `commit()` then sends them as one `publish.batch` operation: the first as a
 * request (a stream that refuses batches says so at once, with its own error), the middle ones
 * without waiting, the last with the commit header as a request for the batch's ack.
 */

/** The first nats-server with atomic batch publish (`allow_atomic`, `Nats-Batch-*`). */
export const ATOMIC_BATCH_MIN_VERSION = "2.12.0";

/** The feature's name in `UnsupportedFeatureError`. */
export const ATOMIC_BATCH_FEATURE = "atomic batch publish";

/** Most messages in one batch: the server's default `max_batch_size`. */
export const MAX_BATCH_MESSAGES = 1000;

const BATCH_ID_HEADER = "Nats-Batch-Id";
const BATCH_SEQ_HEADER = "Nats-Batch-Sequence";
const BATCH_COMMIT_HEADER = "Nats-Batch-Commit";

/** Refuses atomic batches on a server older than 2.12 (`UnsupportedFeatureError`), no I/O. */
export function requireAtomicBatch(serverVersion: string | undefined): void {
  requireServerVersion(serverVersion, ATOMIC_BATCH_FEATURE, ATOMIC_BATCH_MIN_VERSION);
}

/** What a batch needs of its publisher. */
export interface BatchHost {
  readonly conn: Connection;
  /** The publisher's default ack timeout, if it has one. */
  readonly timeoutMs: number | undefined;
  /** Runs `work` as in-flight work of the publisher (a drain waits for it). */
  track<T>(work: () => Promise<T>): Promise<T>;
  /** The server version features are checked against (none on a closed or draining connection). */
  serverVersion(): string | undefined;
}

/** The `PublishBatch` of `publisher.batch()`. */
export class AtomicBatch implements PublishBatch {
  #host: BatchHost;
  #messages: BatchMessage[] = [];
  #committed = false;

  constructor(host: BatchHost) {
    this.#host = host;
  }

  get size(): number {
    return this.#messages.length;
  }

  add<T extends Payload>(
    subject: string,
    data?: NotAFunction<T>,
    options: BatchMessageOptions = {},
  ): this {
    this.#assertOpen("add");
    if (this.#messages.length >= MAX_BATCH_MESSAGES) {
      throw new ValidationError(
        "batch",
        `an atomic batch holds at most ${MAX_BATCH_MESSAGES} messages (the server's limit); commit this one and start another`,
        { value: this.#messages.length + 1 },
      );
    }
    const opts = options ?? {};
    if ((opts as { expect?: { lastMsgID?: unknown } }).expect?.lastMsgID !== undefined) {
      throw new ValidationError(
        "expect.lastMsgID",
        "expect.lastMsgID is refused inside an atomic batch (the server does not support Nats-Expected-Last-Msg-Id there)",
      );
    }
    const conn = this.#host.conn;
    const { headers, msgID, ttlMs, expect } = opts;
    const message = prepareMessage(
      subject,
      data,
      { headers, msgID, ttlMs, expect },
      {
        maxPayload: conn.nats.info?.max_payload,
        // a batch is never re-sent, so a generated ID would serve nothing
        generateMsgID: false,
        serverVersion: this.#host.serverVersion(),
      },
    );
    this.#messages.push({
      subject: message.subject,
      headers: message.headers,
      payload: message.payload,
      msgID: message.msgID,
    });
    return this;
  }

  commit(options: BatchCommitOptions = {}): Promise<PublishBatchAck> {
    try {
      this.#assertOpen("commit");
      const { timeoutMs, signal } = options ?? {};
      assertOptionalInteger(timeoutMs, "timeoutMs");
      if (this.#messages.length === 0) {
        throw new ValidationError(
          "batch",
          "an atomic batch needs at least one message: add() messages before commit()",
          { value: 0 },
        );
      }
      this.#committed = true;
      const host = this.#host;
      const conn = host.conn;
      const op: PublishBatchOperation = {
        kind: "publish.batch",
        client: conn.client,
        signal,
        batchId: nuid.next(),
        messages: this.#messages,
      };
      const timeout =
        timeoutMs ??
        host.timeoutMs ??
        conn.jetstreamOptions.timeout ??
        DEFAULT_JETSTREAM_TIMEOUT_MS;
      return host.track(() =>
        runOperation(conn, op, () => sendAtomicBatch(conn, op, timeout, signal), {
          signal,
          // the terminal stops on an abort by itself: a cancelled batch is never committed
          abortable: false,
          mapError: batchError,
        }),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #assertOpen(call: "add" | "commit"): void {
    if (this.#committed) {
      throw new ValidationError(
        "batch",
        `${call}: this batch was already committed; start a new one with publisher.batch()`,
      );
    }
  }
}

/**
 * The terminal of a `publish.batch`: sends every message with the batch headers (set here, after
 * the middlewares, so that none can break them) and returns the commit's ack. An abort before
 * the commit was sent leaves the batch uncommitted: the server abandons it, nothing is stored.
 */
async function sendAtomicBatch(
  conn: Connection,
  op: PublishBatchOperation,
  timeout: number,
  signal: AbortSignal | undefined,
): Promise<PublishBatchAck> {
  throwIfAborted(signal, "publish.batch");
  assertUsable(conn, "publish.batch");
  const nc = conn.nats;
  const last = op.messages.length;
  let seq = 0;
  for (const message of op.messages) {
    seq++;
    const headers = message.headers;
    headers.set(BATCH_ID_HEADER, op.batchId);
    headers.set(BATCH_SEQ_HEADER, String(seq));
    if (seq === last) headers.set(BATCH_COMMIT_HEADER, "1");
    throwIfAborted(signal, "publish.batch");
    if (seq === 1 || seq === last) {
      // the first: a stream that refuses batches answers at once; the last: the batch's ack
      const reply = await abortable(
        nc.request(message.subject, message.payload, { headers, timeout }),
        signal,
        "publish.batch",
      );
      const answer = parseAnswer(reply.data);
      if (seq === last) {
        const ack = toBatchAck(answer, op.batchId, last);
        op.ack = ack;
        return ack;
      }
    } else {
      nc.publish(message.subject, message.payload, { headers });
    }
  }
  // (unreachable: the loop returns at the last message)
  throw new Error("publish.batch: no message committed");
}

/** The server's answer to a batch message: empty (staged), an ack, or an API error (thrown). */
function parseAnswer(data: Uint8Array): Record<string, unknown> | undefined {
  if (data.length === 0) return undefined;
  const answer = JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown>;
  const error = answer.error as Partial<ApiError> | undefined;
  if (error !== undefined) {
    // the client's own error for an API answer, so core maps it as every other API error
    throw new JetStreamApiError({
      code: error.code ?? 0,
      err_code: error.err_code ?? 0,
      description: error.description ?? "JetStream API error",
    });
  }
  return answer;
}

function toBatchAck(
  answer: Record<string, unknown> | undefined,
  batchId: string,
  sent: number,
): PublishBatchAck {
  const stream = answer?.stream;
  const seq = answer?.seq;
  const count = answer?.count;
  if (typeof stream !== "string" || typeof seq !== "number" || count !== sent) {
    throw new BatchPublishError(
      `publish.batch: the server's ack does not confirm the ${sent} messages sent (got ${JSON.stringify(answer ?? null)})`,
      { batchId, size: sent },
    );
  }
  const domain = answer?.domain;
  return typeof domain === "string" && domain !== ""
    ? { stream, seq, duplicate: false, domain, batchId, count }
    : { stream, seq, duplicate: false, batchId, count };
}

/**
 * A failed batch: a refusal by the server (nothing stored) is a `BatchPublishError` whose `cause`
 * is the typed server error; anything else (a timeout of the commit, a closed connection) is
 * mapped as any other error, since the outcome is then not known.
 */
function batchError(err: unknown, op: PublishBatchOperation): HelixError {
  const error = toHelixError(err, { operation: "publish.batch", what: "stream" });
  if (error.code === "VALIDATION" || error.code === "CANCELLED") return error;
  if (isServerRefusal(error)) {
    return new BatchPublishError(
      `publish.batch: the server refused the batch of ${op.messages.length} messages, nothing was stored: ${error.message.replace(/^publish\.batch: /, "")}`,
      { batchId: op.batchId, size: op.messages.length, cause: error },
    );
  }
  return error;
}

function isServerRefusal(error: HelixError): boolean {
  if (error.name === "BatchPublishError") return false;
  return (
    typeof (error as { apiCode?: unknown }).apiCode === "number" &&
    error.code !== "JETSTREAM_UNAVAILABLE"
  );
}
