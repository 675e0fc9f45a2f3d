import { createPublisher } from "@helix/nats-stream";
import type { BenchCase } from "../bench-case.js";
import { payload, publishWindowed, type ServerState } from "../server-state.js";
import { rateSample, startWatch, type Timing } from "../stopwatch.js";
import type { Variant } from "../variants.js";

const WINDOW = 256;

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
    latency: false,
    count,
    warmupCount,
    measure: (v, n) =>
      inFreshStream(state, async (subject) => {
        if (v.id === "raw") {
          const { js } = v;
          const watch = startWatch();
          for (let i = 0; i < n; i++) await js.publish(subject, data);
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
    latency: false,
    count,
    warmupCount,
    measure: (v: Variant, n: number) =>
      inFreshStream(state, async (subject) => {
        if (v.id === "raw") {
          const { js } = v;
          const watch = startWatch();
          await publishWindowed((s, d) => js.publish(s, d), subject, data, n, WINDOW);
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
