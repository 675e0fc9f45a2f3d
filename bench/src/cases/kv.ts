import { createKeyValueManager } from "@helix/nats-kv";
import { type KV, Kvm } from "@nats-io/kv";
import type { BenchCase } from "../bench-case.js";
import { payload, type ServerState } from "../server-state.js";
import { sequentialSample } from "../stopwatch.js";
import { BASE_VARIANTS, type Variant } from "../variants.js";

const KEYS = 64;
const SIZE = 128;

/** The operations a KV case times, on either client. */
interface KvOps {
  put(key: string, value: Uint8Array): Promise<unknown>;
  get(key: string): Promise<unknown>;
}

/** `put` or `get` latency on a fresh bucket (file storage, history 1), one op at a time. */
export function kvCase(
  state: ServerState,
  op: "put" | "get",
  count: number,
  warmupCount: number,
): BenchCase {
  const data = payload(SIZE);
  return {
    id: `kv-${op}`,
    title: `KV ${op}, sequential, 128 B`,
    unit: "ops/s",
    group: "kv",
    variants: BASE_VARIANTS,
    latency: true,
    count,
    warmupCount,
    measure: async (v, n) => {
      const bucket = state.name("bench");
      // Created with the raw client for every variant: the same config for all of them.
      const raw: KV = await new Kvm(state.js).create(bucket, { history: 1 });
      try {
        const kv = await opsFor(v, bucket);
        const keys = Array.from({ length: KEYS }, (_, i) => `k${i}`);
        if (op === "get") for (const key of keys) await raw.put(key, data);
        return await sequentialSample(n, async (i) => {
          const key = keys[i % KEYS] as string;
          if (op === "put") await kv.put(key, data);
          else if ((await kv.get(key)) === null) throw new Error(`KV get ${key}: missing`);
        });
      } finally {
        await state.deleteStream(`KV_${bucket}`);
      }
    },
  };
}

async function opsFor(v: Variant, bucket: string): Promise<KvOps> {
  if ("nc" in v) return new Kvm(v.js).open(bucket);
  return createKeyValueManager(v.conn).get(bucket);
}
