import type { StreamConfig, StreamInfo, StreamUpdateConfig } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";

/** Options every stream call accepts (Go's `ctx`). */
export interface CallOptions {
  /** Stops waiting for the server; the server may still apply the change. */
  signal?: AbortSignal;
}

/** A stream configuration for `create`: `name` is required, every other field has a server default. */
export type StreamCreateConfig = Partial<StreamConfig> & {
  /** The stream's name: checked before any I/O (`ValidationError`). */
  name: string;
};

/** A stream configuration for `update`: `name` and the fields to change, merged onto the current config. */
export type StreamUpdateInput = Partial<StreamUpdateConfig> & {
  /** The name of the stream to update. */
  name: string;
};

/** What `purge` removes: everything, a subject's messages (`filter`), all but the last `keep`, or below `seq`. */
export interface PurgeOptions extends CallOptions {
  /** Only messages on this subject (wildcards allowed). */
  filter?: string;
  /** Keep this many of the newest messages. Exclusive with `seq`. */
  keep?: number;
  /** Remove messages below this sequence. Exclusive with `keep`. */
  seq?: number;
}

/** Options of `getMsg`. */
export interface GetMsgOptions extends CallOptions {
  /**
   * Read the first message at or after the sequence whose subject matches this one (wildcards
   * allowed) instead of the message at exactly that sequence (Go `jetstream.WithGetMsgSubject`).
   */
  subject?: string;
}

/** A message read back from a stream. */
export interface StoredMessage {
  /** The subject it was published to. */
  readonly subject: string;
  /** Its sequence number in the stream. */
  readonly seq: number;
  /** The payload bytes. */
  readonly data: Uint8Array;
  /** The stored headers, or `undefined` when the message had none. */
  readonly headers: MsgHdrs | undefined;
  /** When the server stored it. */
  readonly time: Date;
}

/** A handle on one stream (Go: `jetstream.Stream`); `name` and `config` are always filled. */
export interface Stream {
  /** The stream's name. */
  readonly name: string;
  /** The configuration last returned by the server (refreshed by `info()`). */
  readonly config: Readonly<StreamConfig>;
  /** Fresh stream info (state and config) from the server. */
  info(options?: CallOptions): Promise<StreamInfo>;
  /** Purges messages; resolves with how many were removed. */
  purge(options?: PurgeOptions): Promise<number>;
  /**
   * The message at `seq`, or `null` when there is none; with `subject`, the first message at or
   * after `seq` on that subject.
   */
  getMsg(seq: number, options?: GetMsgOptions): Promise<StoredMessage | null>;
  /** The last message stored on `subject`, or `null` when there is none. */
  getLastMsgForSubject(subject: string, options?: CallOptions): Promise<StoredMessage | null>;
  /** Deletes the message at `seq`, marking it deleted without overwriting its data (Go `DeleteMsg`). */
  deleteMsg(seq: number, options?: CallOptions): Promise<void>;
  /** Deletes the message at `seq` and overwrites its data on disk (Go `SecureDeleteMsg`). */
  secureDeleteMsg(seq: number, options?: CallOptions): Promise<void>;
}

/** Stream management (Go: `JetStream.Stream`, `CreateStream`, `UpdateStream`, `DeleteStream`). */
export interface StreamManager {
  /** Creates a stream (the same config again is a no-op); resolves with its handle. */
  create(config: StreamCreateConfig, options?: CallOptions): Promise<Stream>;
  /** Updates a stream: the given fields are merged onto its current config. */
  update(config: StreamUpdateInput, options?: CallOptions): Promise<Stream>;
  /** The stream's handle; `NotFoundError` when it does not exist. */
  get(name: string, options?: CallOptions): Promise<Stream>;
  /** Deletes the stream and its messages; `NotFoundError` when it does not exist. */
  delete(name: string, options?: CallOptions): Promise<void>;
  /** Every stream (or those listening on `subject`), each as a full handle. */
  list(options?: CallOptions & { subject?: string }): Promise<Stream[]>;
}
