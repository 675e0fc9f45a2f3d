import { createPubSub } from "@helix/nats-pubsub";
import type { BenchCase } from "../bench-case.js";
import { payload, type ServerState } from "../server-state.js";
import { rateSample, sequentialSample, startWatch } from "../stopwatch.js";
import { BASE_VARIANTS, type Variant } from "../variants.js";

/** Core NATS (no JetStream): the raw client against `@helix/nats-pubsub`, with and without otel. */
const VARIANTS = BASE_VARIANTS;

/**
 * Request/reply round trips, one at a time, `size` B each way: the responder is on the same
 * connection as the requester (a raw callback subscription for the raw client, `reply` for helix).
 */
export function requestReplyCase(
  state: ServerState,
  size: number,
  count: number,
  warmupCount: number,
): BenchCase {
  const data = payload(size);
  return {
    id: `request-${size}`,
    title: `core request/reply round trip, sequential, ${size} B`,
    unit: "ops/s",
    group: "pubsub",
    variants: VARIANTS,
    latency: true,
    count,
    warmupCount,
    measure: async (v, n) => {
      const subject = `bench.rpc.${state.name("r")}`;
      const { request, stop } = await requesterFor(v, subject);
      try {
        return await sequentialSample(n, async () => {
          const reply = await request(data);
          if (reply.length !== data.length) throw new Error("request: short reply");
        });
      } finally {
        await stop();
      }
    },
  };
}

async function requesterFor(
  v: Variant,
  subject: string,
): Promise<{ request(data: Uint8Array): Promise<Uint8Array>; stop(): Promise<void> }> {
  if ("nc" in v) {
    const nc = v.nc;
    const sub = nc.subscribe(subject, {
      callback: (_err, msg) => {
        msg.respond(msg.data);
      },
    });
    await nc.flush();
    return {
      request: async (data) => (await nc.request(subject, data, { timeout: 5_000 })).data,
      stop: async () => sub.drain(),
    };
  }
  const ps = createPubSub(v.conn);
  const sub = ps.reply(subject, (msg) => msg.data);
  await ps.flush();
  return {
    request: async (data) => (await ps.request(subject, data)).data,
    stop: () => sub.drain(),
  };
}

/**
 * Messages published between two turns of the event loop, as a service that publishes in a loop
 * lets its reads in. One synchronous burst of all `n` publishes measured mostly how the socket
 * buffers filled: its per-round ratios ranged from 0.61 to 1.54 for the same code.
 */
const CHUNK = 1_000;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Core publish → subscribe rate, `size` B: from the first publish until the subscriber (on the
 * same connection) has handled all `n` messages. The publisher does not wait for anything (fire
 * and forget), the subscriber's handler does no work.
 */
export function publishSubscribeCase(
  state: ServerState,
  size: number,
  count: number,
  warmupCount: number,
): BenchCase {
  const data = payload(size);
  return {
    id: `pubsub-${size}`,
    title: `core publish → subscribe, ${size} B`,
    unit: "msg/s",
    group: "pubsub",
    variants: VARIANTS,
    latency: false,
    count,
    warmupCount,
    measure: async (v, n) => {
      const subject = `bench.events.${state.name("e")}`;
      let received = 0;
      let done: () => void = () => {};
      const all = new Promise<void>((resolve) => {
        done = resolve;
      });
      const onMessage = (): void => {
        if (++received === n) done();
      };
      if ("nc" in v) {
        const nc = v.nc;
        const sub = nc.subscribe(subject, { max: n });
        const loop = (async () => {
          for await (const _ of sub) onMessage();
        })();
        await nc.flush();
        const watch = startWatch();
        for (let i = 0; i < n; i += CHUNK) {
          for (let j = i; j < i + CHUNK && j < n; j++) nc.publish(subject, data);
          await yieldToEventLoop();
        }
        await all;
        const t = watch.stop();
        await loop;
        return rateSample(n, t);
      }
      const ps = createPubSub(v.conn);
      const sub = ps.subscribe(subject, onMessage, { maxMessages: n });
      await ps.flush();
      const watch = startWatch();
      // Fire and forget: the promise only says the client took the message.
      for (let i = 0; i < n; i += CHUNK) {
        for (let j = i; j < i + CHUNK && j < n; j++) void ps.publish(subject, data);
        await yieldToEventLoop();
      }
      await all;
      const t = watch.stop();
      await sub.closed;
      return rateSample(n, t);
    },
  };
}
