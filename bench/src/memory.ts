import { type ConsumeStream, consumeMessages } from "./cases/consume.js";
import type { Variant } from "./variants.js";

export interface MemoryResult {
  variant: string;
  messages: number;
  /** Heap used after GC once the first `warmMessages` (a tenth) were handled. */
  warmMessages: number;
  heapStartBytes: number;
  /** Heap used after GC once the last message was handled. */
  heapEndBytes: number;
  /** Heap used after GC after the consume ended and telemetry was flushed. */
  heapAfterFlushBytes: number;
  /** Heap used after GC at each checkpoint, in messages handled → bytes. */
  checkpoints: { messages: number; heapBytes: number }[];
  growthBytes: number;
  /** (end − start) / start. */
  growthRatio: number;
  rate: number;
  /** Whether the heap at the end is within 5% of the heap after a tenth of the messages. */
  flat: boolean;
  /** Active handles and requests by type (`process.getActiveResourcesInfo()`), before and after. */
  handlesBefore: Record<string, number>;
  handlesAfter: Record<string, number>;
  /** Listeners on `process`, before and after. */
  listenersBefore: number;
  listenersAfter: number;
  handlesSame: boolean;
}

const FLAT_LIMIT = 0.05;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with node --expose-gc (bench/run.mjs does)");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo().sort())
    counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

function listeners(): number {
  return process.eventNames().reduce((n, name) => n + process.listenerCount(name), 0);
}

/**
 * A long consume with the otel plugin and an always-on SDK (batch processor, no-op exporter):
 * the heap, measured after GC, must not grow with the number of messages handled (no
 * per-message retention), and the consume must leave no handle or listener behind.
 */
export async function memoryRun(
  v: Variant,
  stream: ConsumeStream,
  messages: number,
): Promise<MemoryResult> {
  await stream.ensure(messages);
  const warmMessages = Math.floor(messages / 10);
  const every = Math.max(1, Math.floor(messages / 5));
  const checkpoints: { messages: number; heapBytes: number }[] = [];
  await v.flush();
  heapAfterGc();
  const handlesBefore = handles();
  const listenersBefore = listeners();
  const exit = v.enter();
  let ms: number;
  try {
    const timing = await stream.withConsumer((name) =>
      consumeMessages(v, stream.name, name, messages, (seen) => {
        if (seen === warmMessages || seen === messages || seen % every === 0) {
          checkpoints.push({ messages: seen, heapBytes: heapAfterGc() });
        }
      }),
    );
    ms = timing.ms;
  } finally {
    exit();
  }
  await v.flush();
  // Let the consume's last timers (a flush bounded by a timeout) settle before counting handles.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const heapAfterFlushBytes = heapAfterGc();
  const handlesAfter = handles();
  const listenersAfter = listeners();
  const start = checkpoints.find((c) => c.messages === warmMessages)?.heapBytes ?? Number.NaN;
  const end = checkpoints.find((c) => c.messages === messages)?.heapBytes ?? Number.NaN;
  const growthBytes = end - start;
  const growthRatio = growthBytes / start;
  return {
    variant: v.id,
    messages,
    warmMessages,
    heapStartBytes: start,
    heapEndBytes: end,
    heapAfterFlushBytes,
    checkpoints,
    growthBytes,
    growthRatio,
    rate: messages / (ms / 1000),
    flat: Math.abs(growthRatio) < FLAT_LIMIT,
    handlesBefore,
    handlesAfter,
    listenersBefore,
    listenersAfter,
    handlesSame:
      JSON.stringify(handlesBefore) === JSON.stringify(handlesAfter) &&
      listenersBefore === listenersAfter,
  };
}
