import {
  assertSubject,
  type CallOptions,
  type Connection,
  ValidationError,
} from "@helix/nats-core";
import { assertInteger } from "@helix/nats-core/internal";
import type {
  MsgRequest,
  PurgeOpts,
  StoredMsg,
  StreamConfig,
  StreamInfo,
} from "@nats-io/jetstream";
import { decodeCounterMessage, requireCounters } from "./counter.js";
import { directBatchRequest, readDirectBatch } from "./direct-get.js";
import { runStreamOperation } from "./operation.js";
import { deleteScheduleMessage, isScheduleMessage, requireSchedules } from "./schedule.js";
import type {
  GetBatchOptions,
  GetMsgOptions,
  PurgeOptions,
  StoredMessage,
  Stream,
} from "./types.js";
import { assertPurgeOptions } from "./validation.js";

const STREAM_BRAND = Symbol.for("@helix/nats.stream");

/** True when `value` is a stream handle made by `@helix/nats-stream` (any copy). */
export function isStream(value: unknown): value is Stream {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[STREAM_BRAND] === true
  );
}

/** The `Stream` handle: the stream's name and last known config, and its message operations. */
export class StreamHandle implements Stream {
  readonly name: string;
  #config: Readonly<StreamConfig>;
  #conn: Connection;

  constructor(conn: Connection, config: StreamConfig) {
    Object.defineProperty(this, STREAM_BRAND, { value: true });
    this.#conn = conn;
    this.name = config.name;
    this.#config = Object.freeze({ ...config });
  }

  get config(): Readonly<StreamConfig> {
    return this.#config;
  }

  async info(options: CallOptions = {}): Promise<StreamInfo> {
    const info = await runStreamOperation(
      this.#conn,
      { kind: "stream.info", stream: this.name },
      options.signal,
      (jsm) => jsm.streams.info(this.name),
    );
    this.#config = Object.freeze({ ...info.config });
    return info;
  }

  async purge(options: PurgeOptions = {}): Promise<number> {
    assertPurgeOptions(options);
    const { filter, keep, seq, signal } = options;
    const request = {
      ...(filter !== undefined ? { filter } : {}),
      ...(keep !== undefined ? { keep } : {}),
      ...(seq !== undefined ? { seq } : {}),
    };
    const response = await runStreamOperation(
      this.#conn,
      {
        kind: "stream.purge",
        stream: this.name,
        ...(filter !== undefined ? { subject: filter } : {}),
        ...(seq !== undefined ? { seq } : {}),
      },
      signal,
      (jsm) =>
        jsm.streams.purge(
          this.name,
          Object.keys(request).length > 0 ? (request as PurgeOpts) : undefined,
        ),
    );
    return response.purged;
  }

  async getMsg(seq: number, options: GetMsgOptions = {}): Promise<StoredMessage | null> {
    assertInteger(seq, "seq");
    const { subject } = options;
    if (subject !== undefined) assertSubject(subject, "filter", "subject");
    // with a subject: the first message at or after `seq` on it (Go `WithGetMsgSubject`)
    const query = subject === undefined ? { seq } : { seq, next_by_subj: subject };
    return runStreamOperation(
      this.#conn,
      {
        kind: "stream.getMsg",
        stream: this.name,
        seq,
        ...(subject !== undefined ? { subject } : {}),
      },
      options.signal,
      async (jsm) => toStoredMessage(await jsm.streams.getMessage(this.name, query as MsgRequest)),
    );
  }

  async getBatch(options: GetBatchOptions = {}): Promise<StoredMessage[]> {
    const request = directBatchRequest(options ?? {}, this.#config, this.#conn.nats.info?.version);
    const { seq, subject } = options;
    return runStreamOperation(
      this.#conn,
      {
        kind: "stream.getBatch",
        stream: this.name,
        ...(seq !== undefined ? { seq } : {}),
        ...(subject !== undefined ? { subject } : {}),
      },
      options.signal,
      async (jsm, op) => {
        const out = await readDirectBatch(jsm, this.name, request);
        op.count = out.length;
        return out;
      },
    );
  }

  async getLastMsgForSubject(
    subject: string,
    options: CallOptions = {},
  ): Promise<StoredMessage | null> {
    assertSubject(subject, "filter");
    return runStreamOperation(
      this.#conn,
      { kind: "stream.getLastMsgForSubject", stream: this.name, subject },
      options.signal,
      async (jsm) =>
        toStoredMessage(await jsm.streams.getMessage(this.name, { last_by_subj: subject })),
    );
  }

  async getCounter(subject: string, options: CallOptions = {}): Promise<bigint | null> {
    // one subject, one counter: a wildcard would read whichever matching counter was last written
    assertSubject(subject, "publish");
    requireCounters(this.#conn.nats.info?.version);
    const msg = await this.getLastMsgForSubject(subject, options);
    return msg === null ? null : decodeCounterMessage(msg, this.name);
  }

  async cancelSchedule(subject: string, options: CallOptions = {}): Promise<boolean> {
    assertSubject(subject, "publish");
    requireSchedules(this.#conn.nats.info?.version);
    const last = await this.getLastMsgForSubject(subject, options);
    if (last === null) return false;
    if (!isScheduleMessage(last.headers)) {
      throw new ValidationError(
        "subject",
        `${subject}: its last message (#${last.seq}) is not a schedule (no Nats-Schedule header); nothing was deleted`,
        { value: subject },
      );
    }
    return deleteScheduleMessage(this.#conn, this.name, last.seq, options.signal);
  }

  deleteMsg(seq: number, options: CallOptions = {}): Promise<void> {
    // Go `DeleteMsg`: the message is marked deleted, its data stays on disk until compaction.
    return this.#deleteMsg("stream.deleteMsg", seq, false, options);
  }

  secureDeleteMsg(seq: number, options: CallOptions = {}): Promise<void> {
    // Go `SecureDeleteMsg`: the server overwrites the message's data.
    return this.#deleteMsg("stream.secureDeleteMsg", seq, true, options);
  }

  /** nats.js's third argument of `deleteMessage` is `erase`. */
  async #deleteMsg(
    kind: "stream.deleteMsg" | "stream.secureDeleteMsg",
    seq: number,
    erase: boolean,
    options: CallOptions,
  ): Promise<void> {
    assertInteger(seq, "seq");
    await runStreamOperation(this.#conn, { kind, stream: this.name, seq }, options.signal, (jsm) =>
      jsm.streams.deleteMessage(this.name, seq, erase),
    );
  }
}

function toStoredMessage(msg: StoredMsg | null): StoredMessage | null {
  if (msg === null) return null;
  const header = msg.header;
  return {
    subject: msg.subject,
    seq: msg.seq,
    data: msg.data,
    headers: header.keys().length > 0 ? header : undefined,
    time: msg.time,
  };
}
