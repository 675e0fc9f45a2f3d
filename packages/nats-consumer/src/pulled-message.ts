import type { DeliveryInfo, JsMsg, PullOptions } from "@nats-io/jetstream";
import {
  type Msg as CoreMsg,
  type MsgHdrs,
  type NatsConnection,
  nanos,
} from "@nats-io/transport-node";

const encoder = new TextEncoder();
const ACK = encoder.encode("+ACK");
const NAK = encoder.encode("-NAK");
const WPI = encoder.encode("+WPI");
const TERM = encoder.encode("+TERM");

/**
 * A `JsMsg` over a core message received from a pull request helix sent itself (`fetchNoWait`).
 * The client does not export its own implementation, so this one speaks the same ack protocol:
 * `+ACK`, `-NAK {"delay":ns}`, `+WPI`, `+TERM reason`, `+NXT {...}` replies to the ack subject.
 */
export class PulledJsMsg implements JsMsg {
  readonly #msg: CoreMsg;
  readonly #nc: NatsConnection;
  readonly #ackTimeoutMs: number;
  #info: DeliveryInfo | undefined;
  #didAck = false;

  constructor(nc: NatsConnection, msg: CoreMsg, ackTimeoutMs: number) {
    this.#nc = nc;
    this.#msg = msg;
    this.#ackTimeoutMs = ackTimeoutMs;
  }

  get subject(): string {
    return this.#msg.subject;
  }
  get sid(): number {
    return this.#msg.sid;
  }
  get data(): Uint8Array {
    return this.#msg.data;
  }
  get headers(): MsgHdrs | undefined {
    return this.#msg.headers;
  }
  get info(): DeliveryInfo {
    if (this.#info === undefined) this.#info = parseAckSubject(this.#msg.reply ?? "");
    return this.#info;
  }
  get redelivered(): boolean {
    return this.info.deliveryCount > 1;
  }
  get seq(): number {
    return this.info.streamSequence;
  }
  get time(): Date {
    return new Date(Math.floor(this.info.timestampNanos / 1_000_000));
  }
  get timestamp(): string {
    return this.time.toISOString();
  }
  get timestampNanos(): bigint {
    const tokens = ackTokens(this.#msg.reply ?? "");
    return BigInt(tokens[9] ?? "0");
  }

  ack(): void {
    this.#respond(ACK);
  }
  nak(millis?: number): void {
    this.#respond(
      millis ? encoder.encode(`-NAK ${JSON.stringify({ delay: nanos(millis) })}`) : NAK,
    );
  }
  working(): void {
    if (!this.#didAck) this.#msg.respond(WPI);
  }
  term(reason = ""): void {
    this.#respond(reason.length > 0 ? encoder.encode(`+TERM ${reason}`) : TERM);
  }
  next(subj: string, opts: Partial<PullOptions> = { batch: 1 }): void {
    const args: Record<string, unknown> = {
      batch: opts.batch || 1,
      no_wait: opts.no_wait || false,
    };
    if (opts.expires && opts.expires > 0) args.expires = nanos(opts.expires);
    this.#msg.respond(
      encoder.encode(`+NXT ${JSON.stringify(args)}`),
      subj ? { reply: subj } : undefined,
    );
  }
  async ackAck(opts?: Partial<{ timeout: number }>): Promise<boolean> {
    if (this.#didAck || !this.#msg.reply) return false;
    this.#didAck = true;
    await this.#nc.request(this.#msg.reply, ACK, { timeout: opts?.timeout ?? this.#ackTimeoutMs });
    return true;
  }
  json<T>(): T {
    return this.#msg.json<T>();
  }
  string(): string {
    return this.#msg.string();
  }

  #respond(payload: Uint8Array): void {
    if (this.#didAck) return;
    this.#didAck = true;
    this.#msg.respond(payload);
  }
}

function ackTokens(reply: string): string[] {
  const tokens = reply.split(".");
  // $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending> (old form, no domain)
  if (tokens.length === 9) tokens.splice(2, 0, "_", "");
  if (tokens.length < 11 || tokens[0] !== "$JS" || tokens[1] !== "ACK") {
    throw new Error("unable to parse delivery info: not a JetStream message");
  }
  return tokens;
}

/** Parses the delivery info carried by a JetStream ack subject. */
export function parseAckSubject(reply: string): DeliveryInfo {
  const t = ackTokens(reply);
  const deliveryCount = Number.parseInt(t[6] ?? "", 10);
  return {
    domain: t[2] === "_" ? "" : (t[2] ?? ""),
    account_hash: t[3] ?? "",
    stream: t[4] ?? "",
    consumer: t[5] ?? "",
    deliveryCount,
    redelivered: deliveryCount > 1,
    streamSequence: Number.parseInt(t[7] ?? "", 10),
    deliverySequence: Number.parseInt(t[8] ?? "", 10),
    timestampNanos: Number.parseInt(t[9] ?? "", 10),
    pending: Number.parseInt(t[10] ?? "", 10),
  };
}
