import {
  assertStreamName,
  type CallOptions,
  ConfigError,
  type ConfigReason,
  type Connection,
  type DeadLetterOperation,
  type DeliveredMessage,
  getHeader,
  isConnection,
  NotFoundError,
  type PublishOperation,
  ValidationError,
} from "@helix/nats-core";
import { runOperation } from "@helix/nats-core/internal";
import type { StoredMsg } from "@nats-io/jetstream";
import { headers as createHeaders, type MsgHdrs } from "@nats-io/transport-node";
import { appendUserHeaders, DeadLetterHeaders, type DeadLetterReason } from "./dead-letter.js";
import type {
  DeadLetter,
  DeadLetterFilter,
  DeadLetters,
  DeadLettersOptions,
  ReplayedDeadLetter,
  ReplayOptions,
} from "./types.js";
import { isAbortSignal, isPositiveInteger, isRecord } from "./validation.js";

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
 * `consume`'s `deadLetter` option). Throws `ValidationError` when `conn` is not a connection, and
 * one `ConfigError` listing every problem of `options` (a bad stream name, an unknown key).
 */
export function createDeadLetters(conn: Connection, options: DeadLettersOptions): DeadLetters {
  if (!isConnection(conn)) {
    throw new ValidationError("conn", "createDeadLetters needs a Connection from connect()");
  }
  throwReasons(deadLettersOptionsReasons(options), "createDeadLetters options");
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
      assertArguments("list", filterReasons(filter), callOptionsReasons(options, CALL_KEYS));
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
      assertArguments("replay", targetReasons(target), callOptionsReasons(options, REPLAY_KEYS));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#replay(target, options);
  }

  purge(filter?: DeadLetterFilter, options: CallOptions = {}): Promise<number> {
    try {
      assertArguments(
        "purge",
        filter === undefined ? [] : filterReasons(filter, "purge"),
        callOptionsReasons(options, CALL_KEYS),
      );
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
        if (filter === undefined) {
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

/*
 * Validation of every argument, before any I/O: one `ConfigError` listing every problem with its
 * path. An unknown filter key is refused, never ignored: ignored, it would select every dead
 * letter (`purge({ subject })` would delete them all).
 */

/** The string fields of a `DeadLetterFilter`. */
const FILTER_STRING_KEYS = [
  "consumer",
  "reason",
  "originalStream",
  "originalSubject",
  "errorType",
] as const;
const FILTER_KEYS: readonly string[] = [...FILTER_STRING_KEYS, "limit"];
const REASONS: readonly string[] = ["max_deliver", "permanent"];
/** The keys of `CallOptions`, and of `ReplayOptions`. */
const CALL_KEYS: readonly string[] = ["signal"];
const REPLAY_KEYS: readonly string[] = ["signal", "keep"];
/** What an unknown filter key was most likely meant to be. */
const FILTER_HINTS: Readonly<Record<string, string>> = {
  subject: "originalSubject",
  stream: "originalStream",
};

/** Every problem of `createDeadLetters`'s options, with its path. */
export function deadLettersOptionsReasons(options: unknown): ConfigReason[] {
  if (!isRecord(options)) {
    return [{ message: "createDeadLetters needs an options object { stream }", path: [] }];
  }
  const reasons: ConfigReason[] = [];
  if (options.stream === undefined) {
    reasons.push({
      message: 'stream is required: the dead-letter stream, e.g. "DEAD_LETTERS_ORDERS"',
      path: ["stream"],
    });
  } else {
    try {
      assertStreamName(options.stream);
    } catch (err) {
      reasons.push({ message: (err as Error).message, path: ["stream"] });
    }
  }
  if (options.subject !== undefined && typeof options.subject !== "string") {
    reasons.push({
      message: `subject must be a string, got ${describe(options.subject)}`,
      path: ["subject"],
    });
  }
  for (const key of Object.keys(options)) {
    // `subject`: a consume's `deadLetter` option ({ stream, subject }) is taken as it is
    if (key !== "stream" && key !== "subject") {
      reasons.push({ message: `unknown createDeadLetters option "${key}"`, path: [key] });
    }
  }
  return reasons;
}

/** Every problem of a dead-letter filter, with its path under `filter`. */
export function filterReasons(
  filter: unknown,
  use: "list" | "replay" | "purge" = "list",
): ConfigReason[] {
  if (!isRecord(filter)) {
    return [{ message: "a dead-letter filter must be an object", path: ["filter"] }];
  }
  const reasons: ConfigReason[] = [];
  if (use !== "list" && Object.keys(filter).length === 0) {
    // `{}` from a filter built at run time would replay or purge every dead letter
    reasons.push({
      message:
        use === "purge"
          ? "an empty filter selects every dead letter: pass no filter to purge them all, or name what to select"
          : "an empty filter selects every dead letter: name what to replay, or pass { limit: N } to replay the oldest N",
      path: ["filter"],
    });
  }
  for (const key of Object.keys(filter)) {
    if (FILTER_KEYS.includes(key)) continue;
    const hint = FILTER_HINTS[key];
    reasons.push({
      message: `unknown dead-letter filter key "${key}"${hint === undefined ? "" : ` (did you mean ${hint}?)`}; the keys are ${FILTER_KEYS.join(", ")}`,
      path: ["filter", key],
    });
  }
  for (const key of FILTER_STRING_KEYS) {
    const value = filter[key];
    if (value === undefined && key in filter) {
      // `{ consumer: someUndefinedValue }` would select every dead letter (replay or purge them all)
      reasons.push({
        message: `filter.${key} is undefined: leave it out, or pass no filter to select every dead letter`,
        path: ["filter", key],
      });
    } else if (value === "") {
      reasons.push({ message: `filter.${key} is empty`, path: ["filter", key] });
    } else if (value !== undefined && typeof value !== "string") {
      reasons.push({
        message: `filter.${key} must be a string, got ${describe(value)}`,
        path: ["filter", key],
      });
    }
  }
  if (
    typeof filter.reason === "string" &&
    filter.reason !== "" &&
    !REASONS.includes(filter.reason)
  ) {
    reasons.push({
      message: `filter.reason must be "max_deliver" or "permanent", got "${filter.reason}"`,
      path: ["filter", "reason"],
    });
  }
  const limit = filter.limit;
  if (limit !== undefined && !isPositiveInteger(limit)) {
    reasons.push({
      message: `filter.limit must be a positive integer, got ${describe(limit)}`,
      path: ["filter", "limit"],
    });
  }
  return reasons;
}

/** Every problem of `replay`'s target: a dead letter's sequence, or a filter. */
export function targetReasons(target: unknown): ConfigReason[] {
  if (typeof target !== "number") {
    return isRecord(target)
      ? filterReasons(target, "replay")
      : [
          {
            message: `replay needs a dead letter's sequence or a filter, got ${describe(target)}`,
            path: ["target"],
          },
        ];
  }
  if (isPositiveInteger(target)) return [];
  return [{ message: `seq must be a positive integer, got ${target}`, path: ["seq"] }];
}

/** Every problem of a call's options (`keys`: those of `CallOptions`, or of `ReplayOptions`). */
export function callOptionsReasons(options: unknown, keys: readonly string[]): ConfigReason[] {
  if (!isRecord(options)) return [{ message: "options must be an object", path: ["options"] }];
  const reasons: ConfigReason[] = [];
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) {
      reasons.push({
        message: `unknown option "${key}"; the options are ${keys.join(", ")}`,
        path: ["options", key],
      });
    }
  }
  if (options.signal !== undefined && !isAbortSignal(options.signal)) {
    reasons.push({ message: "options.signal must be an AbortSignal", path: ["options", "signal"] });
  }
  if (keys.includes("keep") && options.keep !== undefined && typeof options.keep !== "boolean") {
    reasons.push({
      message: `options.keep must be a boolean, got ${describe(options.keep)}`,
      path: ["options", "keep"],
    });
  }
  return reasons;
}

/** Throws one `ConfigError` with the problems of a `DeadLetters` call's arguments, if any. */
function assertArguments(
  method: "list" | "replay" | "purge",
  ...groups: readonly ConfigReason[][]
): void {
  throwReasons(groups.flat(), `arguments of DeadLetters.${method}`);
}

function throwReasons(reasons: readonly ConfigReason[], subject: string): void {
  if (reasons.length > 0) throw new ConfigError(reasons, { subject });
}

/** A value as an error message shows it: strings quoted, objects by kind. */
function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "function") return "a function";
  return String(value);
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
