import type { PubAck, PublishFuture } from "./types.js";

/**
 * The `PublishFuture` of one `publishAsync`. It remembers whether `ack` was read: a caller who
 * read it can see the failure (by awaiting it, `.then`/`.catch`, `Promise.all`…); one who never
 * did cannot, so the publisher reports that failure instead (`onError`, else `conn.report`).
 */
export class QueuedPublish implements PublishFuture {
  readonly subject: string;
  readonly msgID: string | undefined;
  #ack: Promise<PubAck>;
  #read = false;

  constructor(subject: string, msgID: string | undefined, ack: Promise<PubAck>) {
    this.subject = subject;
    this.msgID = msgID;
    this.#ack = ack;
  }

  get ack(): Promise<PubAck> {
    this.#read = true;
    return this.#ack;
  }

  /** Whether `ack` has been read so far. */
  static wasRead(future: QueuedPublish): boolean {
    return future.#read;
  }
}
