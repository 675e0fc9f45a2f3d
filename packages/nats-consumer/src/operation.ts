import {
  type Connection,
  type ConsumerOperation,
  type ConsumerOperationKind,
  type ConsumerStatusOperation,
  type DeliveredMessage,
  type ErrorContext,
  type HelixError,
  type ReceiveMode,
  type ReceiveOperation,
  toHelixError,
} from "@helix/nats-core";
import { runOperation, throwIfAborted } from "@helix/nats-core/internal";
import type { ConsumerNotification, JetStreamManager } from "@nats-io/jetstream";
import {
  explainSilentPull,
  type PullErrorContext,
  type StatusProblem,
  toPullError,
} from "./errors.js";
import type { PullTarget } from "./types.js";

/*
 * This package's operations: each is built here and run through core's `runOperation`, the one
 * road through the middleware stack, with this package's error mapping. The only calls that walk
 * the stack themselves are consume's per-message `process` (consume.ts) and `settle` (msg.ts).
 */

/** A consumer management call: which one, and the consumer it is about when known. */
export interface ConsumerCall {
  readonly kind: ConsumerOperationKind;
  readonly stream: string;
  /** `undefined` for an ephemeral or ordered consumer the server has not named yet. */
  readonly consumer: string | undefined;
  readonly ordered?: boolean;
  /** When a pause ends (`consumer.pause`, or a create that starts paused). */
  readonly pauseUntil?: Date | undefined;
  /** The priority group of `consumer.unpin`. */
  readonly group?: string | undefined;
}

/**
 * Runs a consumer management call as a `ConsumerOperation`. `terminal` gets the JetStream manager
 * and may fill in `op.consumer` once the server named the consumer. A failure names the consumer,
 * or the stream when no consumer was named.
 */
export function runConsumerCall<T>(
  conn: Connection,
  call: ConsumerCall,
  signal: AbortSignal | undefined,
  terminal: (jsm: JetStreamManager, op: ConsumerOperation) => Promise<T>,
): Promise<T> {
  const op: ConsumerOperation = {
    kind: call.kind,
    client: conn.client,
    stream: call.stream,
    consumer: call.consumer,
    ordered: call.ordered ?? false,
    ...(call.pauseUntil ? { pauseUntil: call.pauseUntil } : {}),
    ...(call.group !== undefined ? { group: call.group } : {}),
    ...(signal ? { signal } : {}),
  };
  const context: ErrorContext = {
    what: call.consumer === undefined ? "stream" : "consumer",
    resource: call.consumer ?? call.stream,
    operation: call.kind,
  };
  return runOperation(
    conn,
    op,
    async (o) => {
      const jsm = await conn.manager();
      // Cancelled while the manager was on its way: the request is never sent.
      throwIfAborted(signal, o.kind);
      return terminal(jsm, o);
    },
    { signal, mapError: (err) => toHelixError(err, context) },
  );
}

/**
 * Runs one pull (`fetch`, `fetchBytes`, `fetchNoWait`, a `messages().next()`) as a `receive`
 * operation; `op.messages` holds what `pull` received once it resolved. An aborted `signal` fails
 * the call inside the stack, before the pull; later aborts are the pull's own business (an
 * aborted `fetch` ends early with what arrived), hence `abortable: false`.
 */
export function runReceive<M extends { readonly delivered: DeliveredMessage }>(
  target: PullTarget,
  mode: ReceiveMode,
  batch: number,
  signal: AbortSignal | undefined,
  pull: () => Promise<M[]>,
): Promise<M[]> {
  const op: ReceiveOperation = {
    kind: "receive",
    client: target.conn.client,
    mode,
    stream: target.stream,
    consumer: target.name,
    batch,
    ...(signal ? { signal } : {}),
  };
  return runOperation(
    target.conn,
    op,
    async (o) => {
      const msgs = await pull();
      o.messages = msgs.map((m) => m.delivered);
      return msgs;
    },
    { signal, abortable: false, name: mode, mapError: (err) => mapPullError(target, mode, err) },
  );
}

/**
 * A pull's failure, naming the consumer. A fetch that failed without saying why is checked once
 * against the server (the consumer or stream may be gone); a `next()` failure was named by the
 * iterator already.
 */
async function mapPullError(
  target: PullTarget,
  mode: ReceiveMode,
  err: unknown,
): Promise<HelixError> {
  const ctx: PullErrorContext = { stream: target.stream, consumer: target.name, operation: mode };
  const mapped = toPullError(err, ctx);
  if (mode === "next") return mapped;
  return explainSilentPull(target.conn, mapped, ctx, target.ordered);
}

/**
 * Passes a consume status problem through the stack as a `consumer.status` operation whose
 * `next()` rejects with the problem's error, so plugins record it; never rejects.
 */
export function reportStatusProblem(
  conn: Connection,
  ctx: PullErrorContext,
  status: ConsumerNotification,
  problem: StatusProblem,
): Promise<void> {
  const op: ConsumerStatusOperation = {
    kind: "consumer.status",
    client: conn.client,
    stream: ctx.stream,
    consumer: ctx.consumer,
    status: status.type,
    error: problem.error,
    ends: problem.ends,
  };
  return runOperation(conn, op, () => Promise.reject(problem.error)).then(ignore, ignore);
}

function ignore(): void {}
