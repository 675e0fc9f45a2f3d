import {
  assertStreamName,
  type CallOptions,
  type Connection,
  type DeadLetterOperation,
  type DeliveredMessage,
  getHeader,
  isConnection,
  NotFoundError,
  type PublishOperation,
  ValidationError,
} from "@helix/nats-core";
import { assertInteger, runOperation } from "@helix/nats-core/internal";
import type { StoredMsg } from "@nats-io/jetstream";
import { headers as createHeaders, type MsgHdrs } from "@nats-io/transport-node";
import {
  appendUserHeaders,
  DeadLetterHeaders,
  type DeadLetterReason,
} from "./dead-letter.js";
import type {
  DeadLetter,
  DeadLetterFilter,
  DeadLetters,
  DeadLettersOptions,
  ReplayedDeadLetter,
  ReplayOptions,
} from "./types.js";

/*
 * The dead-letter API: list the dead letters of a dead-letter stream, replay them to their
 * original subject, purge them. Each call is a `deadletter.*` operation of the stack.
 */

/** The header a replayed message carries: the dead letter it came from, `<stream>:<seq>`. */
export const REPLAYED_FROM_HEADER = "Helix-Replayed-From";

/** The most dead letters `list` reads by default. */
const DEFAULT_LIST_LIMIT = 1_000;

/**
 * The dead letters of one dead-letter stream (`DEAD_LETTERS_<stream>` by default, see
 * `consume`'s `deadLetter` option). Throws `ValidationError` for a bad stream name.
 */
export function createDeadLetters(conn: Connection, options: DeadLettersOptions): DeadLetters {
  if (!isConnection(conn)) {
    throw new ValidationError("conn", "createDeadLetters needs a Connection from connect()");
  }
  if (typeof options !== "object" || options === null) {
    throw new ValidationError("options", "createDeadLetters needs { stream }", { value: options });
  }
  assertStreamName(options.stream);
  return new DeadLetterStream(conn, options.stream);
}

class DeadLetterStream implements DeadLetters {
  readonly stream: string;
  readonly #conn: Connection;

  constructor(conn: Connection, stream: string) {
    this.#conn = conn;
    this.stream = stream;
  }

  list(filter: DeadLetterFilter = {}, options: CallOptions = {}): Promise<DeadLetter[]> {
    try {
      assertFilter(filter);
    } catch (err) {
      return Promise.reject(err);
    }
    const op = this.#op("deadletter.list");
    return runOperation(
      this.#conn,
      op,
      async () => {
        const found = await this.#read(filter);
        op.count = found.length;
        return found;
      },
      { signal: options.signal },
    );
  }

  replay(
    target: number | DeadLetterFilter,
    options: ReplayOptions = {},
  ): Promise<ReplayedDeadLetter[]> {
    try {
      if (typeof target === "number") assertInteger(target, "seq", 1);
      else assertFilter(target);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#replay(target, options);
  }

  purge(filter?: DeadLetterFilter, options: CallOptions = {}): Promise<number> {
    try {
      if (filter !== undefined) assertFilter(filter);
    } catch (err) {
      return Promise.reject(err);
    }
    const op = this.#op("deadletter.purge");
    return runOperation(
      this.#conn,
      op,
      async () => {
        const jsm = await this.#conn.manager();
        let purged = 0;
        if (filter === undefined || Object.keys(filter).length === 0) {
          purged = (await jsm.streams.purge(this.stream)).purged;
        } else {
          for (const letter of await this.#read(filter)) {
            if (await jsm.streams.deleteMessage(this.stream, letter.seq, false)) purged++;
          }
        }
        op.count = purged;
        return purged;
      },
      { signal: options.signal },
    );
  }

  /**
   * Reads the dead letters (one `deadletter.list` operation), then replays each in its own
   * `deadletter.replay` operation, which carries the dead letter (a tracer links to its trace)
   * and runs the `publish` to the original subject inside it.
   */
  async #replay(
    target: number | DeadLetterFilter,
    options: ReplayOptions,
  ): Promise<ReplayedDeadLetter[]> {
    const listing = this.#op("deadletter.list");
    if (typeof target === "number") listing.seq = target;
    const letters = await runOperation(
      this.#conn,
      listing,
      async () => {
        let found: DeadLetter[];
        if (typeof target === "number") {
          const one = await this.#get(target);
          if (one === undefined) {
            throw new NotFoundError("message", `${this.stream}:${target}`, {
              cause: new Error(`no dead letter ${target} in stream "${this.stream}"`),
            });
          }
          found = [one];
        } else found = await this.#read(target);
        listing.count = found.length;
        return found;
      },
      { signal: options.signal },
    );
    const replayed: ReplayedDeadLetter[] = [];
    for (const letter of letters) {
      const op: DeadLetterOperation = {
        kind: "deadletter.replay",
        client: this.#conn.client,
        stream: this.stream,
        consumer: letter.consumer,
        message: deadLetterAsDelivered(this.stream, letter),
        seq: letter.seq,
      };
      replayed.push(
        await runOperation(
          this.#conn,
          op,
          async () => {
            const done = await this.#replayOne(letter, options);
            op.count = 1;
            return done;
          },
          { signal: options.signal },
        ),
      );
    }
    return replayed;
  }

  /** Publishes one dead letter to its original subject (a `publish` operation), then deletes it unless `keep`. */
  async #replayOne(letter: DeadLetter, options: ReplayOptions): Promise<ReplayedDeadLetter> {
    // Without the dead letter's own headers (its reasons, its Nats-Msg-Id and stream
    // expectation) and its trace context: the replay starts its own trace, linked to the letter.
    const headers = createHeaders();
    appendUserHeaders(letter.headers, headers, { traceContext: false });
    headers.set(REPLAYED_FROM_HEADER, `${this.stream}:${letter.seq}`);
    const msgID = `replay:${this.stream}:${letter.seq}:${crypto.randomUUID()}`;
    const publish: PublishOperation = {
      kind: "publish",
      client: this.#conn.client,
      subject: letter.originalSubject,
      headers,
      payload: letter.data,
      msgID,
      async: false,
      attempt: 1,
    };
    const ack = await runOperation(this.#conn, publish, async (p) => {
      const a = await this.#conn.jetstream.publish(p.subject, p.payload, {
        headers: p.headers,
        msgID,
      });
      p.ack = { stream: a.stream, seq: a.seq, duplicate: a.duplicate };
      return a;
    });
    if (options.keep !== true) {
      const jsm = await this.#conn.manager();
      await jsm.streams.deleteMessage(this.stream, letter.seq, false);
    }
    return { deadLetter: letter.seq, stream: ack.stream, seq: ack.seq, msgID };
  }

  /** Reads the dead letters that match `filter`, oldest first, up to its `limit`. */
  async #read(filter: DeadLetterFilter): Promise<DeadLetter[]> {
    const jsm = await this.#conn.manager();
    const info = await jsm.streams.info(this.stream);
    const { first_seq: first, last_seq: last, messages } = info.state;
    const limit = filter.limit ?? DEFAULT_LIST_LIMIT;
    const out: DeadLetter[] = [];
    if (messages === 0) return out;
    for (let seq = first; seq <= last && out.length < limit; seq++) {
      // null for a sequence deleted or purged (a replayed dead letter); errors are not hidden.
      const stored = await jsm.streams.getMessage(this.stream, { seq });
      if (stored === null) continue;
      const letter = toDeadLetter(stored);
      if (matches(letter, filter)) out.push(letter);
    }
    return out;
  }

  async #get(seq: number): Promise<DeadLetter | undefined> {
    const jsm = await this.#conn.manager();
    const stored = await jsm.streams.getMessage(this.stream, { seq });
    return stored === null ? undefined : toDeadLetter(stored);
  }

  #op(kind: DeadLetterOperation["kind"]): DeadLetterOperation {
    return { kind, client: this.#conn.client, stream: this.stream };
  }
}

/** A stored dead letter as the API returns it. */
function toDeadLetter(stored: StoredMsg): DeadLetter {
  const h = stored.header;
  const get = (name: string): string => getHeader(h, name) ?? "";
  const time = new Date(get(DeadLetterHeaders.time));
  return {
    seq: stored.seq,
    subject: stored.subject,
    data: stored.data,
    headers: h ?? createHeaders(),
    storedAt: stored.time,
    reason: get(DeadLetterHeaders.reason) as DeadLetterReason,
    errorType: get(DeadLetterHeaders.errorType),
    errorMessage: get(DeadLetterHeaders.errorMessage),
    deliveryCount: Number(get(DeadLetterHeaders.deliveryCount)),
    originalStream: get(DeadLetterHeaders.stream),
    originalSeq: Number(get(DeadLetterHeaders.sequence)),
    consumer: get(DeadLetterHeaders.consumer),
    originalSubject: get(DeadLetterHeaders.subject) || stored.subject,
    deadLetteredAt: Number.isNaN(time.getTime()) ? stored.time : time,
    msgId: getHeader(h, DeadLetterHeaders.msgId) || undefined,
  };
}

function matches(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  if (filter.consumer !== undefined && letter.consumer !== filter.consumer) return false;
  if (filter.reason !== undefined && letter.reason !== filter.reason) return false;
  if (filter.originalStream !== undefined && letter.originalStream !== filter.originalStream)
    return false;
  if (filter.originalSubject !== undefined && letter.originalSubject !== filter.originalSubject)
    return false;
  if (filter.errorType !== undefined && letter.errorType !== filter.errorType) return false;
  return true;
}

function assertFilter(filter: unknown): asserts filter is DeadLetterFilter {
  if (typeof filter !== "object" || filter === null || Array.isArray(filter)) {
    throw new ValidationError("filter", "a dead-letter filter must be an object", {
      value: filter,
    });
  }
  const f = filter as Record<string, unknown>;
  for (const key of ["consumer", "reason", "originalStream", "originalSubject", "errorType"]) {
    if (f[key] !== undefined && typeof f[key] !== "string") {
      throw new ValidationError(key, `filter.${key} must be a string`, { value: f[key] });
    }
  }
  if (f.reason !== undefined && f.reason !== "max_deliver" && f.reason !== "permanent") {
    throw new ValidationError("reason", 'filter.reason must be "max_deliver" or "permanent"', {
      value: f.reason,
    });
  }
  if (f.limit !== undefined) assertInteger(f.limit, "limit", 1);
}

/** The replay's `message`: the dead letter, so a tracer can link to its trace context. */
export function deadLetterAsDelivered(stream: string, letter: DeadLetter): DeliveredMessage {
  return {
    subject: letter.originalSubject,
    headers: letter.headers as MsgHdrs,
    data: letter.data,
    info: {
      stream,
      consumer: letter.consumer,
      streamSequence: letter.seq,
      deliverySequence: 0,
      deliveryCount: letter.deliveryCount,
      pending: 0,
      timestampMs: letter.storedAt.getTime(),
    },
  };
}
