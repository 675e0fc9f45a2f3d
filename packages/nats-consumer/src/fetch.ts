import type { CallOptions } from "@helix/nats-core";
import { assertInteger } from "@helix/nats-core/internal";
import type { FetchOptions as ClientFetchOptions, JsMsg } from "@nats-io/jetstream";
import { pullNoWait } from "./fetch-no-wait.js";
import { HelixMsg, knownConsumer } from "./msg.js";
import { runReceive } from "./operation.js";
import { assertPriorityPull, toClientPriority } from "./priority.js";
import { DEFAULT_EXPIRES_MS } from "./pull-options.js";
import type { FetchOptions, Msg, PullTarget } from "./types.js";
import { assertExpires } from "./validation.js";

const MIN_EXPIRES_MS = 1_000;

/** Collects a client fetch; an abort ends it early with what was received so far. */
async function collect(
  target: PullTarget,
  options: Record<string, number | string>,
  signal: AbortSignal | undefined,
): Promise<JsMsg[]> {
  const iter = await target.raw.fetch(options as ClientFetchOptions);
  const onAbort = (): void => iter.stop();
  signal?.addEventListener("abort", onAbort, { once: true });
  // Aborted while the pull was being set up: no event will come.
  if (signal?.aborted) iter.stop();
  const out: JsMsg[] = [];
  try {
    for await (const m of iter) out.push(m);
  } catch (err) {
    // fetchBytes: the server ends the pull with a 409 when the next message would not fit the
    // budget. What arrived is the answer; with nothing received the error stands.
    if (out.length === 0 || !/exceeds maxbytes/i.test((err as Error)?.message ?? "")) throw err;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  return out;
}

/** The client's messages as helix messages. */
function wrap(target: PullTarget, raws: JsMsg[]): HelixMsg[] {
  const consumer = knownConsumer(target);
  return raws.map((raw) => new HelixMsg(target.conn, raw, consumer));
}

/** `fetch` (batch = messages) and `fetchBytes` (batch = bytes). */
export function fetchBatch(
  target: PullTarget,
  mode: "fetch" | "fetchBytes",
  batch: number,
  options: FetchOptions,
): Promise<Msg[]> {
  try {
    assertInteger(batch, mode === "fetch" ? "batch" : "maxBytes", 1);
    assertExpires(options.expiresMs);
    assertPriorityPull(options, target.conn.nats.info?.version);
  } catch (err) {
    return Promise.reject(err);
  }
  const expires = options.expiresMs ?? DEFAULT_EXPIRES_MS;
  const pull: Record<string, number | string> = { ...toClientPriority(options), expires };
  pull[mode === "fetch" ? "max_messages" : "max_bytes"] = batch;
  return runReceive(target, mode, batch, options.signal, async () =>
    wrap(target, await collect(target, pull, options.signal)),
  );
}

/** `fetchNoWait`: what is available now, never waiting the client's minimum expiry. */
export function fetchNoWait(
  target: PullTarget,
  batch: number,
  options: CallOptions,
): Promise<Msg[]> {
  try {
    assertInteger(batch, "batch", 1);
  } catch (err) {
    return Promise.reject(err);
  }
  return runReceive(target, "fetchNoWait", batch, options.signal, async () => {
    if (!target.ordered) {
      return wrap(
        target,
        await pullNoWait(target.conn, target.stream, target.name, batch, options.signal),
      );
    }
    // An ordered consumer tracks its own sequence in the client, so its pulls must go through
    // the client: ask only for what the server says is pending, which arrives at once.
    const info = await target.raw.info(false);
    const available = Math.min(batch, info.num_pending);
    if (available === 0) return [];
    const pull = { max_messages: available, expires: MIN_EXPIRES_MS };
    return wrap(target, await collect(target, pull, options.signal));
  });
}
