import { type InferOutput, isHelixError, type StandardSchemaV1 } from "@helix/nats-core";
import { assertSchemaOption, validateWithSchema } from "@helix/nats-core/internal";
import type { JsMsg } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";
import { toError } from "./errors.js";
import { takesAcks } from "./release.js";
import type {
  DeliveryInfo,
  Msg,
  MsgHandler,
  PullTarget,
  TypedMsg,
  TypedMsgHandler,
} from "./types.js";

/** How long a term reason sent to the server may be (it lands in the server's advisory). */
const MAX_TERM_REASON = 200;

/**
 * A consume handler that JSON-decodes each message and validates it with `schema` before
 * `handler` runs, handing it the message with its typed `value`. A body that is not JSON fails
 * with a `DecodeError`, one the schema refuses with a `ValidationError` listing the issues: both
 * permanent (`isRetryable` false), thrown before the handler runs. `refuse` settles such a
 * message first (a term with the reason, when the consumer takes acks), so that it is delivered
 * once, never nak'ed into a loop; the error then reaches `onError` and the `process` operation.
 */
export function validatingHandler<T>(
  handler: TypedMsgHandler<T>,
  schema: StandardSchemaV1<unknown, T>,
  refuse: (msg: Msg, err: Error) => Promise<void> | undefined,
): MsgHandler {
  return (msg, ctx) => {
    let output: T | Promise<T>;
    try {
      const { stream, streamSequence } = msg.info;
      output = validateWithSchema(schema, msg.json(), {
        field: "data",
        description: `message ${streamSequence} of stream "${stream}" (subject "${msg.subject}")`,
      });
    } catch (err) {
      return refused(msg, err, refuse);
    }
    if (output instanceof Promise) {
      return output.then(
        (value) => handler(new ValidatedMsg(msg, value), ctx),
        (err: unknown) => refused(msg, err, refuse),
      );
    }
    return handler(new ValidatedMsg(msg, output), ctx);
  };
}

/**
 * Decodes the JSON body of a message (from `fetch`, `messages()`…) and validates it with a
 * Standard Schema: resolves with the message and its typed `value`, or rejects with a
 * `DecodeError` (not JSON) or a `ValidationError` listing the issues, both permanent. Settles
 * nothing: `term` (or dead-letter) a refused message yourself. `ConfigError` for a `schema` that
 * is not a Standard Schema.
 */
export function validateMsg<S extends StandardSchemaV1>(
  msg: Msg,
  schema: S,
): Promise<TypedMsg<InferOutput<S>>> {
  try {
    assertSchemaOption(schema, "validateMsg");
    const { stream, streamSequence } = msg.info;
    const output = validateWithSchema(schema, msg.json(), {
      field: "data",
      description: `message ${streamSequence} of stream "${stream}" (subject "${msg.subject}")`,
    });
    if (output instanceof Promise) return output.then((value) => new ValidatedMsg(msg, value));
    return Promise.resolve(new ValidatedMsg(msg, output));
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Settles a refused message (`refuse`), then rejects with the error. */
function refused(
  msg: Msg,
  err: unknown,
  refuse: (msg: Msg, err: Error) => Promise<void> | undefined,
): Promise<never> {
  const error = toError(err);
  const settling = refuse(msg, error);
  if (settling === undefined) return Promise.reject(error);
  // A failed term is the settle operation's to report; the message's error is this one.
  return settling.then(
    () => Promise.reject(error),
    () => Promise.reject(error),
  );
}

/**
 * Terms a message that cannot be decoded or validated, with a short reason (the error's code
 * and first line: never the body). No-op for a message settled already.
 */
export function termRefused(msg: Msg, err: Error): Promise<void> {
  const code = isHelixError(err) ? err.code : "ERROR";
  const line = err.message.split("\n", 1)[0] ?? "";
  const reason = `${code}: ${line}`;
  return msg.term(
    reason.length <= MAX_TERM_REASON ? reason : `${reason.slice(0, MAX_TERM_REASON - 1)}…`,
  );
}

/** A `Msg` with the value its schema validated: every call goes to the message it wraps. */
class ValidatedMsg<T> implements Msg {
  readonly #msg: Msg;
  readonly value: T;

  constructor(msg: Msg, value: T) {
    this.#msg = msg;
    this.value = value;
  }

  get subject(): string {
    return this.#msg.subject;
  }
  get data(): Uint8Array {
    return this.#msg.data;
  }
  get headers(): MsgHdrs | undefined {
    return this.#msg.headers;
  }
  get seq(): number {
    return this.#msg.seq;
  }
  get info(): DeliveryInfo {
    return this.#msg.info;
  }
  get settled(): boolean {
    return this.#msg.settled;
  }
  get raw(): JsMsg {
    return this.#msg.raw;
  }
  json<U = unknown>(): U {
    return this.#msg.json<U>();
  }
  string(): string {
    return this.#msg.string();
  }
  ack(): Promise<void> {
    return this.#msg.ack();
  }
  ackAck(options?: { timeoutMs?: number }): Promise<void> {
    return this.#msg.ackAck(options);
  }
  nak(delayMs?: number): Promise<void> {
    return this.#msg.nak(delayMs);
  }
  term(reason?: string): Promise<void> {
    return this.#msg.term(reason);
  }
  working(): Promise<void> {
    return this.#msg.working();
  }
}

/**
 * The handler a consume runs: `handler` itself without a schema, else `validatingHandler` over
 * it. A refused message is term'ed when the consumer takes acks (an ordered consumer or
 * `ack_policy: "none"` settles nothing), whatever `autoAck` says: nothing else could stop its
 * redelivery; with `deadLetter` on (and `autoAck` not off) the consume dead-letters it instead,
 * on its first delivery. `ConfigError` for a `schema` that is not a Standard Schema.
 */
export function withSchema(
  target: PullTarget,
  handler: MsgHandler | TypedMsgHandler<never>,
  options: {
    schema?: StandardSchemaV1 | undefined;
    deadLetter?: unknown;
    autoAck?: boolean | undefined;
  },
): MsgHandler {
  // checked with the other consume options (assertHandlingOptions)
  const schema = options.schema;
  if (schema === undefined || typeof handler !== "function") return handler as MsgHandler;
  // With dead letters (and automatic settling), the consume dead-letters the refused message
  // itself, then terms it: it must not be term'ed here first.
  const deadLetters =
    options.deadLetter !== undefined && options.deadLetter !== false && options.autoAck !== false;
  const settles = takesAcks(target) && !deadLetters;
  return validatingHandler(handler as unknown as TypedMsgHandler<unknown>, schema, (msg, err) =>
    settles ? termRefused(msg, err) : undefined,
  );
}
