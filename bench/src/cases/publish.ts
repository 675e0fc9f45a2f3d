import { createPublisher } from "@helix/nats-stream";
import type { BenchCase } from "../bench-case.js";
import { payload, publishWindowed, type ServerState } from "../server-state.js";
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
          const start = performance.now();
          for (let i = 0; i < n; i++) await js.publish(subject, data);
          return performance.now() - start;
        }
        const publisher = createPublisher(v.conn);
        const start = performance.now();
        for (let i = 0; i < n; i++) await publisher.publish(subject, data);
        return performance.now() - start;
      }).then((ms) => ({ rate: n / (ms / 1000) })),
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
          const start = performance.now();
          await publishWindowed((s, d) => js.publish(s, d), subject, data, n, WINDOW);
          return performance.now() - start;
        }
        const publisher = createPublisher(v.conn, { maxPending: WINDOW });
        const start = performance.now();
        for (let i = 0; i < n; i++) await publisher.publishAsync(subject, data);
        const { failed, firstError } = await publisher.complete();
        const ms = performance.now() - start;
        if (failed > 0) throw firstError;
        return ms;
      }).then((ms) => ({ rate: n / (ms / 1000) })),
  };
}

async function inFreshStream(
  state: ServerState,
  run: (subject: string) => Promise<number>,
): Promise<number> {
  const stream = state.name("PUB");
  await state.addStream(stream);
  try {
    return await run(`${stream}.p`);
  } finally {
    await state.deleteStream(stream);
  }
}
