import { createPublisher } from "@helix/nats-stream";
import { nuid } from "@nats-io/transport-node";
import type { BenchCase } from "../bench-case.js";
import { payload, publishWindowed, type ServerState } from "../server-state.js";
import { rateSample, startWatch, type Timing } from "../stopwatch.js";
import { BASE_VARIANTS, type RawVariant, type Variant, type VariantId } from "../variants.js";

const WINDOW = 256;

/** Publish cases add the raw client with a msg id (helix sends one by default). */
const PUBLISH_VARIANTS: readonly VariantId[] = [...BASE_VARIANTS, "raw+id"];
/** publishAsync of 128 B also compares tracing: by hand, and the plugin, both SDK set-ups. */
const PUBLISH_ASYNC_TRACED_VARIANTS: readonly VariantId[] = [
  ...PUBLISH_VARIANTS,
  "raw+trace",
  "raw+trace@1%",
  "otel+sdk@1%",
  "otel-same",
  "otel-same@1%",
];

/** The raw client's publish: plain, with a msg id, or with hand-written tracing (and an id). */
function rawPublish(v: RawVariant): (subject: string, data: Uint8Array) => Promise<unknown> {
  const { js, tracing } = v;
  if (tracing !== undefined) return (s, d) => tracing.publish(js, s, d, nuid.next());
  if (v.msgId) return (s, d) => js.publish(s, d, { msgID: nuid.next() });
  return (s, d) => js.publish(s, d);
}

function sizeLabel(size: number): string {
  return size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
}

/** Sequential `publish`, each awaited, into a fresh stream per measurement. */
export function publishCase(
  state: ServerState,
  size: number,
  count: number,
  warmupCount: number,
): BenchCase {
  const data = payload(size);
  return {
    id: `publish-${size}`,
    title: `publish, sequential, ${sizeLabel(size)}`,
    unit: "msg/s",
    group: "publish",
    variants: PUBLISH_VARIANTS,
    latency: false,
    count,
    warmupCount,
    measure: (v, n) =>
      inFreshStream(state, async (subject) => {
        if ("nc" in v) {
          const send = rawPublish(v);
          const watch = startWatch();
          for (let i = 0; i < n; i++) await send(subject, data);
          return watch.stop();
        }
        const publisher = createPublisher(v.conn);
        const watch = startWatch();
        for (let i = 0; i < n; i++) await publisher.publish(subject, data);
        return watch.stop();
      }).then((t) => rateSample(n, t)),
  };
}

/** `publishAsync` with 256 acks in flight (the raw client: 256 promises), fresh stream each time. */
export function publishAsyncCase(
  state: ServerState,
  size: number,
  count: number,
  warmupCount: number,
): BenchCase {
  const data = payload(size);
  return {
    id: `publishAsync-${size}`,
    title: `publishAsync, window ${WINDOW}, ${sizeLabel(size)}`,
    unit: "msg/s",
    group: "publishAsync",
    variants: size === 128 ? PUBLISH_ASYNC_TRACED_VARIANTS : PUBLISH_VARIANTS,
    latency: false,
    count,
    warmupCount,
    measure: (v: Variant, n: number) =>
      inFreshStream(state, async (subject) => {
        if ("nc" in v) {
          const send = rawPublish(v);
          const watch = startWatch();
          await publishWindowed(send, subject, data, n, WINDOW);
          return watch.stop();
        }
        const publisher = createPublisher(v.conn, { maxPending: WINDOW });
        const watch = startWatch();
        for (let i = 0; i < n; i++) await publisher.publishAsync(subject, data);
        const { failed, firstError } = await publisher.complete();
        const t = watch.stop();
        if (failed > 0) throw firstError;
        return t;
      }).then((t) => rateSample(n, t)),
  };
}

async function inFreshStream(
  state: ServerState,
  run: (subject: string) => Promise<Timing>,
): Promise<Timing> {
  const stream = state.name("PUB");
  await state.addStream(stream);
  try {
    return await run(`${stream}.p`);
  } finally {
    await state.deleteStream(stream);
  }
}
