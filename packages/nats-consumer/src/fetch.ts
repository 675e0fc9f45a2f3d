import type { ReceiveMode, ReceiveOperation } from "@helix/nats-core";
import { throwIfAborted } from "@helix/nats-core/internal";
import type { JsMsg } from "@nats-io/jetstream";
import { explainSilentPull, toPullError } from "./consumer-errors.js";
import type { ConsumerHandle } from "./consumer-handle.js";
import { assertExpires, assertInteger } from "./consumer-validation.js";
import { pullNoWait } from "./fetch-no-wait.js";
import { HelixMsg, type Msg } from "./msg.js";
import type { CallOptions, FetchOptions } from "./types.js";

const MIN_EXPIRES_MS = 1_000;

/** Runs one pull as a `receive` operation; `op.messages` is set before the terminal returns. */
async function runReceive(
  handle: ConsumerHandle,
  mode: ReceiveMode,
  batch: number,
  signal: AbortSignal | undefined,
  pull: () => Promise<JsMsg[]>,
): Promise<Msg[]> {
  throwIfAborted(signal, mode);
  const op: ReceiveOperation = {
    kind: "receive",
    client: handle.conn.client,
    mode,
    stream: handle.stream,
    consumer: handle.name,
    batch,
    ...(signal ? { signal } : {}),
  };
  return handle.conn.run(op, async () => {
    let raws: JsMsg[];
    try {
      raws = await pull();
    } catch (err) {
      const ctx = { stream: handle.stream, consumer: handle.name, operation: mode };
      throw await explainSilentPull(handle.conn, toPullError(err, ctx), ctx, handle.ordered);
    }
    const msgs = raws.map((raw) => new HelixMsg(handle.conn, raw));
    op.messages = msgs.map((m) => m.delivered);
    return msgs;
  });
}

/** Collects a client fetch; an abort ends it early with what was received so far. */
async function collect(
  handle: ConsumerHandle,
  options: { max_messages: number; expires: number } | { max_bytes: number; expires: number },
  signal: AbortSignal | undefined,
): Promise<JsMsg[]> {
  const iter = await handle.raw.fetch(options);
  const onAbort = (): void => iter.stop();
  signal?.addEventListener("abort", onAbort, { once: true });
  // Aborted while the pull was being set up (or in a middleware): no event will come.
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

/** `fetch` (batch = messages) and `fetchBytes` (batch = bytes). */
export function fetchBatch(
  handle: ConsumerHandle,
  mode: "fetch" | "fetchBytes",
  batch: number,
  options: FetchOptions,
): Promise<Msg[]> {
  try {
    assertInteger(batch, mode === "fetch" ? "batch" : "maxBytes", 1);
    assertExpires(options.expiresMs);
  } catch (err) {
    return Promise.reject(err);
  }
  const expires = options.expiresMs ?? 30_000;
  return runReceive(handle, mode, batch, options.signal, () =>
    collect(
      handle,
      mode === "fetch" ? { max_messages: batch, expires } : { max_bytes: batch, expires },
      options.signal,
    ),
  );
}

/** `fetchNoWait`: what is available now, never waiting the client's minimum expiry. */
export function fetchNoWait(
  handle: ConsumerHandle,
  batch: number,
  options: CallOptions,
): Promise<Msg[]> {
  try {
    assertInteger(batch, "batch", 1);
  } catch (err) {
    return Promise.reject(err);
  }
  return runReceive(handle, "fetchNoWait", batch, options.signal, async () => {
    if (!handle.ordered) {
      return pullNoWait(handle.conn, handle.stream, handle.name, batch, options.signal);
    }
    // An ordered consumer tracks its own sequence in the client, so its pulls must go through
    // the client: ask only for what the server says is pending, which arrives at once.
    const info = await handle.raw.info(false);
    const available = Math.min(batch, info.num_pending);
    if (available === 0) return [];
    return collect(handle, { max_messages: available, expires: MIN_EXPIRES_MS }, options.signal);
  });
}
