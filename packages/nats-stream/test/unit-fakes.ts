import type { Connection, PublishOperation } from "@helix/nats-core";
import { headers, type NatsConnection, type Status } from "@nats-io/transport-node";
import type { SendContext } from "../src/publish-send.js";

/*
 * Fakes for the unit tests of the publish path (src/publish-*.test.ts): a client whose publishes
 * succeed or fail as told, a publish operation, a send context and a client status stream.
 */

// Errors shaped like the NATS client's (matched by name and code, as core does).
export const timeout = () => Object.assign(new Error("timeout"), { name: "TimeoutError" });
export const noResponders = () =>
  Object.assign(new Error("jetstream is not enabled"), { name: "JetStreamNotEnabled" });
export const wrongSeq = () =>
  Object.assign(new Error("wrong last sequence: 3"), { name: "JetStreamApiError", code: 10071 });

/** A client whose publishes fail with `outcomes` in turn, then succeed; `state.closed` closes it. */
export function fakeConnection(outcomes: (() => unknown)[]) {
  const calls: { subject: string; msgID: string | undefined }[] = [];
  const state = { closed: false };
  const conn = {
    nats: { isClosed: () => state.closed, isDraining: () => false, info: undefined },
    jetstreamOptions: {},
    server: undefined,
    jetstream: {
      publish: async (subject: string, _data: Uint8Array, opts: { headers: never }) => {
        calls.push({
          subject,
          msgID: (opts.headers as ReturnType<typeof headers>).get("Nats-Msg-Id"),
        });
        const outcome = outcomes.shift();
        if (outcome === undefined) return { stream: "S", seq: calls.length, duplicate: false };
        throw outcome();
      },
    },
  } as unknown as Connection;
  return { conn, calls, state };
}

/** A publish operation with msg ID `id-1`. */
export function operation(): PublishOperation {
  const h = headers();
  h.set("Nats-Msg-Id", "id-1");
  return {
    kind: "publish",
    client: { name: "t", serverAddress: undefined, serverPort: undefined },
    subject: "a.b",
    headers: h,
    payload: new Uint8Array(),
    msgID: "id-1",
    async: false,
    attempt: 1,
  };
}

/** A send context: 4 attempts, no delays, a stream that exists. */
export function context(conn: Connection, extra: Partial<SendContext> = {}): SendContext {
  return {
    conn,
    retry: {
      attempts: 4,
      budgetMs: Infinity,
      initialDelayMs: 0,
      maxDelayMs: 0,
      onRetry: undefined,
    },
    timeoutMs: undefined,
    signal: undefined,
    streamExists: async () => true,
    ...extra,
  };
}

/** A client status stream the test pushes events into, with the client's `stop()`. */
export function statusSource() {
  const pending: ((v: IteratorResult<Status>) => void)[] = [];
  let stopped = false;
  const nats = {
    listening: 0,
    status(): AsyncIterable<Status> & { stop(): void } {
      nats.listening++;
      return {
        stop() {
          stopped = true;
          nats.listening--;
          for (const resolve of pending.splice(0)) resolve({ value: undefined, done: true });
        },
        [Symbol.asyncIterator]: () => ({
          next: () =>
            stopped
              ? Promise.resolve({ value: undefined, done: true })
              : new Promise<IteratorResult<Status>>((resolve) => pending.push(resolve)),
        }),
      };
    },
  };
  const reconnect = async () => {
    for (const resolve of pending.splice(0)) {
      resolve({ value: { type: "reconnect", server: "s" } as Status, done: false });
    }
    // let the watch loop and the publish react
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { nats: nats as unknown as NatsConnection & { listening: number }, reconnect };
}

/** Waits (a macrotask at a time) until `check` holds. */
export async function settle(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}
