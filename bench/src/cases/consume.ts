import { randomBytes } from "node:crypto";
import { createConsumerManager } from "@helix/nats-consumer";
import { AckPolicy, DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import { headers, type MsgHdrs } from "@nats-io/transport-node";
import type { BenchCase } from "../bench-case.js";
import { SAMPLED_FRACTION } from "../sdk.js";
import { payload, type ServerState } from "../server-state.js";
import { rateSample, startWatch, type Timing } from "../stopwatch.js";
import { BASE_VARIANTS, type Variant, type VariantId } from "../variants.js";

const SIZE = 128;

/** consume of 128 B compares tracing too: by hand, and the plugin, both SDK set-ups. */
const CONSUME_TRACED_VARIANTS: readonly VariantId[] = [
  ...BASE_VARIANTS,
  "raw+trace",
  "raw+trace@1%",
  "otel+sdk@1%",
  "otel-same",
  "otel-same@1%",
];

/**
 * One prefilled stream for the consume and fetch cases; every measurement reads it from the
 * start through a fresh durable consumer (explicit ack), deleted afterwards.
 */
export class ConsumeStream {
  readonly name: string;
  readonly subject: string;
  #filled = 0;

  constructor(readonly state: ServerState) {
    this.name = state.name("CONS");
    this.subject = `${this.name}.m`;
  }

  /** Makes sure the stream holds at least `count` messages. */
  async ensure(count: number): Promise<void> {
    if (this.#filled === 0) await this.state.addStream(this.name);
    if (count > this.#filled) {
      await this.state.fill(this.subject, payload(SIZE), count - this.#filled, producerHeaders);
      this.#filled = count;
    }
  }

  async withConsumer<T>(run: (consumer: string) => Promise<T>): Promise<T> {
    const consumer = this.state.name("c");
    await this.state.jsm.consumers.add(this.name, {
      durable_name: consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.subject,
    });
    try {
      return await run(consumer);
    } finally {
      await this.state.jsm.consumers.delete(this.name, consumer);
    }
  }

  async delete(): Promise<void> {
    if (this.#filled > 0) await this.state.deleteStream(this.name);
    this.#filled = 0;
  }
}

/** helix `consume(handler)` with auto-ack vs the raw `consume()` iterator with explicit `ack()`. */
export function consumeCase(stream: ConsumeStream, count: number, warmupCount: number): BenchCase {
  return {
    id: "consume-128",
    title: "consume, auto-ack (raw: explicit ack), 128 B",
    unit: "msg/s",
    group: "consume",
    variants: CONSUME_TRACED_VARIANTS,
    latency: false,
    count,
    warmupCount,
    setup: () => stream.ensure(Math.max(count, warmupCount)),
    measure: (v, n) =>
      stream
        .withConsumer((name) => consumeMessages(v, stream.name, name, n))
        .then((t) => rateSample(n, t)),
  };
}

/** The time until `n` messages were handled and acked (the ack of the last one sent). */
export async function consumeMessages(
  v: Variant,
  stream: string,
  name: string,
  n: number,
  onMessage?: (seen: number) => void,
  explicitAck = false,
): Promise<Timing> {
  if ("nc" in v) {
    const consumer = await v.js.consumers.get(stream, name);
    const watch = startWatch();
    const messages = await consumer.consume(explicitAck ? { max_messages: MAX_MESSAGES } : {});
    let seen = 0;
    const { tracing } = v;
    for await (const m of messages) {
      if (tracing === undefined) m.ack();
      else tracing.process(m, ack);
      seen++;
      onMessage?.(seen);
      if (seen === n) break;
    }
    return watch.stop();
  }
  const consumer = await createConsumerManager(v.conn).get(stream, name);
  let seen = 0;
  let done!: (t: Timing) => void;
  const finished = new Promise<Timing>((resolve) => {
    done = resolve;
  });
  let failure: unknown;
  const watch = startWatch();
  const ctx = consumer.consume(
    (msg) => {
      if (explicitAck) void msg.ack();
      seen++;
      onMessage?.(seen);
      if (seen === n) queueMicrotask(() => done(watch.stop()));
    },
    {
      onError: (err) => {
        failure ??= err;
      },
      ...(explicitAck ? { autoAck: false, maxMessages: MAX_MESSAGES } : {}),
    },
  );
  const t = await Promise.race([
    finished,
    ctx.closed.then(() => ({ ms: Number.NaN, cpuUs: Number.NaN })),
  ]);
  await ctx.drain();
  if (failure !== undefined) throw failure;
  return t;
}

/** The raw client's default pull size for `consume()`: the same-semantics case sets it on both. */
const MAX_MESSAGES = 100;

function ack(m: JsMsg): void {
  m.ack();
}

/**
 * The traceparent a producer with a 1% sampler writes: a fresh trace per message, every 100th
 * marked sampled (flags `01`), the others not (`00`).
 */
function producerHeaders(i: number): MsgHdrs {
  const h = headers();
  const sampled = i % Math.round(1 / SAMPLED_FRACTION) === 0 ? "01" : "00";
  h.set("traceparent", `00-${randomHex(16)}-${randomHex(8)}-${sampled}`);
  return h;
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/**
 * The same work on both sides, to compare like with like: the handler acks each message itself
 * (helix: `autoAck: false` and `msg.ack()`; raw: `m.ack()` in the loop), with the same pull size
 * (100 messages) set on both.
 */
export function consumeAckCase(
  stream: ConsumeStream,
  count: number,
  warmupCount: number,
): BenchCase {
  return {
    id: "consume-ack-128",
    title: "consume, ack() in the handler, 100 per pull (same semantics), 128 B",
    unit: "msg/s",
    group: "consume",
    variants: ["raw", "helix", "otel"],
    latency: false,
    count,
    warmupCount,
    setup: () => stream.ensure(Math.max(count, warmupCount)),
    measure: (v, n) =>
      stream
        .withConsumer((name) => consumeMessages(v, stream.name, name, n, undefined, true))
        .then((t) => rateSample(n, t)),
  };
}

/** A loop of `fetch(100)`, acking every message, until `n` messages were read. */
export function fetchCase(stream: ConsumeStream, count: number, warmupCount: number): BenchCase {
  const batch = 100;
  return {
    id: "fetch-128",
    title: `fetch(${batch}) loop, ack each, 128 B`,
    unit: "msg/s",
    group: "fetch",
    variants: BASE_VARIANTS,
    latency: false,
    count,
    warmupCount,
    setup: () => stream.ensure(Math.max(count, warmupCount)),
    measure: (v, n) =>
      stream
        .withConsumer(async (name) => {
          if ("nc" in v) {
            const consumer = await v.js.consumers.get(stream.name, name);
            let seen = 0;
            const watch = startWatch();
            while (seen < n) {
              const msgs = await consumer.fetch({ max_messages: batch, expires: 5_000 });
              for await (const m of msgs) {
                m.ack();
                seen++;
              }
            }
            return watch.stop();
          }
          const consumer = await createConsumerManager(v.conn).get(stream.name, name);
          let seen = 0;
          const watch = startWatch();
          while (seen < n) {
            const msgs = await consumer.fetch(batch, { expiresMs: 5_000 });
            const acks: Promise<void>[] = [];
            for (const m of msgs) {
              acks.push(m.ack());
              seen++;
            }
            await Promise.all(acks);
          }
          return watch.stop();
        })
        .then((t) => rateSample(n, t)),
  };
}
