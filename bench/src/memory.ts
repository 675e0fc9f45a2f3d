import { type ConsumeStream, consumeMessages } from "./cases/consume.js";
import type { Variant } from "./variants.js";

export interface MemoryResult {
  variant: string;
  messages: number;
  /** Heap used after GC once the first `warmMessages` were handled (JIT and pools warm). */
  warmMessages: number;
  heapStartBytes: number;
  /** Heap used after GC once every message was handled and telemetry flushed. */
  heapEndBytes: number;
  /** Heap used after GC at each checkpoint, in messages handled → bytes. */
  checkpoints: { messages: number; heapBytes: number }[];
  growthBytes: number;
  growthBytesPerMessage: number;
  rate: number;
  /** Whether the heap stayed flat: growth under 2 MiB (10 bytes per message at 200,000). */
  flat: boolean;
}

const FLAT_LIMIT_BYTES = 2 * 2 ** 20;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with node --expose-gc (bench/run.mjs does)");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * A long consume with the otel plugin and a sampled SDK: the heap, measured after GC, must not
 * grow with the number of messages handled (no per-message retention).
 */
export async function memoryRun(
  v: Variant,
  stream: ConsumeStream,
  messages: number,
): Promise<MemoryResult> {
  await stream.ensure(messages);
  const warmMessages = Math.min(20_000, Math.floor(messages / 10));
  const every = Math.max(1, Math.floor(messages / 5));
  const checkpoints: { messages: number; heapBytes: number }[] = [];
  const exit = v.enter();
  let ms: number;
  try {
    const timing = await stream.withConsumer((name) =>
      consumeMessages(v, stream.name, name, messages, (seen) => {
        if (seen === warmMessages || (seen > warmMessages && seen % every === 0)) {
          checkpoints.push({ messages: seen, heapBytes: heapAfterGc() });
        }
      }),
    );
    ms = timing.ms;
  } finally {
    exit();
  }
  await v.flush();
  const heapEndBytes = heapAfterGc();
  checkpoints.push({ messages, heapBytes: heapEndBytes });
  const heapStartBytes = checkpoints[0]?.heapBytes ?? heapEndBytes;
  const growthBytes = heapEndBytes - heapStartBytes;
  return {
    variant: v.id,
    messages,
    warmMessages,
    heapStartBytes,
    heapEndBytes,
    checkpoints,
    growthBytes,
    growthBytesPerMessage: growthBytes / (messages - warmMessages),
    rate: messages / (ms / 1000),
    flat: growthBytes < FLAT_LIMIT_BYTES,
  };
}
