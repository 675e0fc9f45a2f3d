import type { Connection, Payload } from "@helix/nats-core";
import type { Message } from "./message.js";
import { CorePublisher, inboxPrefix, isPromiseLike, prepareOutgoing } from "./operation.js";
import { replyProcess } from "./reply.js";
import { runRequest } from "./request.js";
import { HANDLED, HandlerSubscription, ignore, type ProcessMessage } from "./subscription.js";
import type {
  MsgHandler,
  PublishOptions,
  PubSub,
  PubSubMsg,
  ReplyHandler,
  ReplyOptions,
  RequestOptions,
  SubscribeOptions,
  Subscription,
} from "./types.js";
import { assertHandlerArguments, assertRequestOptions } from "./validation.js";

/**
 * Core NATS for one connection: `publish`, `subscribe`, `request`, `reply`, each an operation of
 * the connection's middleware stack. A function of the connection, as the other packages'
 * `createPublisher(conn)` and `createKeyValueManager(conn)` are; it holds no state of its own,
 * so making several is cheap.
 */
export function createPubSub(conn: Connection): PubSub {
  return new ConnectionPubSub(conn);
}

/** No publish passed validation yet: equal to no argument a caller can pass. */
const NOTHING_PUBLISHED = Symbol("nothing published");

class ConnectionPubSub implements PubSub {
  readonly #conn: Connection;
  readonly #publisher: CorePublisher;
  readonly #inbox: string;
  /** The subject of the last publish that passed validation, and whether it is an inbox. */
  #lastSubject: unknown = NOTHING_PUBLISHED;
  #lastTemporary = false;

  constructor(conn: Connection) {
    this.#conn = conn;
    this.#publisher = new CorePublisher(conn);
    this.#inbox = inboxPrefix(conn);
  }

  publish(subject: string, data?: Payload, options?: PublishOptions): Promise<void> {
    try {
      // A service publishes to a few subjects, over and over: each is checked once in a row.
      const same = subject === this.#lastSubject;
      const out = prepareOutgoing(this.#conn, subject, data, options?.headers, same);
      if (!same) {
        this.#lastSubject = subject;
        this.#lastTemporary = subject.startsWith(this.#inbox);
      }
      return this.#publisher.publish(subject, out, this.#lastTemporary);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async flush(): Promise<void> {
    await this.#conn.nats.flush();
  }

  subscribe(subject: string, handler: MsgHandler, options: SubscribeOptions = {}): Subscription {
    assertHandlerArguments("subscribe", subject, handler, options);
    // No async wrapper: a handler that returns synchronously costs no extra promise.
    // A synchronous throw becomes a rejection: a middleware sees every failure in `next()`'s promise.
    const process: ProcessMessage = (msg, ctx) => {
      try {
        const result = handler(msg, ctx);
        return isPromiseLike(result) ? Promise.resolve(result).then(ignore) : HANDLED;
      } catch (err) {
        return Promise.reject(err);
      }
    };
    return new HandlerSubscription(this.#conn, subject, "subscribe", options, process);
  }

  request(subject: string, data?: Payload, options: RequestOptions = {}): Promise<PubSubMsg> {
    try {
      assertRequestOptions(options);
      const out = prepareOutgoing(this.#conn, subject, data, options.headers);
      return runRequest(this.#conn, subject, out, options) as Promise<Message>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  reply(subject: string, handler: ReplyHandler, options: ReplyOptions = {}): Subscription {
    assertHandlerArguments("reply", subject, handler, options);
    const process = replyProcess(this.#conn, this.#publisher, handler);
    const { maxMessages: _ignored, ...rest } = options as SubscribeOptions;
    return new HandlerSubscription(this.#conn, subject, "reply", rest, process);
  }
}
