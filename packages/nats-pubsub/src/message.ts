import { type CoreMessage, DecodeError } from "@helix/nats-core";
import type { Msg, MsgHdrs } from "@nats-io/transport-node";
import type { PubSubMsg } from "./types.js";

const decoder = new TextDecoder();

/**
 * A received core NATS message: what handlers get and `request` resolves with. Read lazily from
 * the client's message, as the client itself does: a handler that never looks at the subject or
 * the reply subject decodes neither (a few hundred nanoseconds per message on the publish →
 * subscribe bench).
 */
export class Message implements PubSubMsg, CoreMessage {
  readonly #raw: Msg;
  #data: Uint8Array | undefined;

  constructor(raw: Msg) {
    this.#raw = raw;
  }

  get subject(): string {
    return this.#raw.subject;
  }

  /** The reply subject; `undefined` when the sender expects no answer. */
  get reply(): string | undefined {
    const reply = this.#raw.reply;
    return reply === "" ? undefined : reply;
  }

  get headers(): MsgHdrs | undefined {
    return this.#raw.headers;
  }

  /** The payload, without the header block (the same array on every read). */
  get data(): Uint8Array {
    this.#data ??= this.#raw.data;
    return this.#data;
  }

  string(): string {
    return decoder.decode(this.data);
  }

  json<T = unknown>(): T {
    const text = this.string();
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      // The SyntaxError quotes the body: it stays the cause, out of the message (logs, spans).
      throw new DecodeError(
        `msg.json(): the message on subject "${this.subject}" is not JSON (${this.data.length} bytes)`,
        { subject: this.subject },
        { cause },
      );
    }
  }
}
