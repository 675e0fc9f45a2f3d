import { type CoreMessage, DecodeError } from "@helix/nats-core";
import type { Msg, MsgHdrs } from "@nats-io/transport-node";
import type { PubSubMsg } from "./types.js";

const decoder = new TextDecoder();

/** A received core NATS message: what handlers get and `request` resolves with. */
export class Message implements PubSubMsg, CoreMessage {
  readonly subject: string;
  readonly reply: string | undefined;
  readonly headers: MsgHdrs | undefined;
  readonly data: Uint8Array;

  constructor(raw: Msg) {
    this.subject = raw.subject;
    this.reply = raw.reply === "" ? undefined : raw.reply;
    this.headers = raw.headers;
    this.data = raw.data;
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
