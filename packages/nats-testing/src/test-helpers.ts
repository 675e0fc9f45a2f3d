import { randomBytes } from "node:crypto";

/**
 * A name no other test uses, `<prefix>_<8 hex>`: a valid stream, consumer or bucket name, so
 * tests that share a server never depend on each other's order.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

/** An operation as the middleware stack hands it over: a discriminated union on `kind`. */
export interface OperationLike {
  /** What the operation is, e.g. `"publish"` or `"kv.put"`. */
  readonly kind: string;
}

/** The part of a helix `Connection` that `recordOperations` needs (no dependency on core). */
export interface RecordableConnection<Op extends OperationLike> {
  /** The connection's middleware stack. */
  readonly middleware: {
    /** Adds a middleware under a unique name. */
    add(
      middleware: (op: Op, next: () => Promise<unknown>) => Promise<unknown>,
      placement: { name: string },
    ): unknown;
  };
}

/**
 * Installs a middleware named `name` that records every operation the connection runs, in the
 * order they start. The objects are live: fields a call fills in (a revision, the messages, an
 * ack) are there once it settled.
 */
export function recordOperations<Op extends OperationLike>(
  conn: RecordableConnection<Op>,
  name = "record",
): Op[] {
  const seen: Op[] = [];
  conn.middleware.add(
    (op, next) => {
      seen.push(op);
      return next();
    },
    { name },
  );
  return seen;
}

/** An operation and how it ended: the error its `next()` rejected with, or `undefined`. */
export interface Outcome<Op extends OperationLike> {
  /** The operation, live (fields a call fills in are there once it settled). */
  readonly op: Op;
  /** What `next()` rejected with; `undefined` while running or after a success. */
  error: unknown;
}

/**
 * Installs a middleware named `name` that records every operation with how it ended: for tests
 * of what a middleware sees when a call fails (cancelled, refused, mapped).
 */
export function recordOutcomes<Op extends OperationLike>(
  conn: RecordableConnection<Op>,
  name = "record-outcomes",
): Outcome<Op>[] {
  const seen: Outcome<Op>[] = [];
  conn.middleware.add(
    (op, next) => {
      const outcome: Outcome<Op> = { op, error: undefined };
      seen.push(outcome);
      return next().catch((err: unknown) => {
        outcome.error = err;
        throw err;
      });
    },
    { name },
  );
  return seen;
}

/**
 * The members of `Op` whose `kind` can be `K`: also those whose `kind` is itself a union (a
 * `kv.put` is a `KvOperation`, whose `kind` is every `kv.*`), as core's `OperationOf` does.
 */
export type OfKind<Op extends OperationLike, K extends string> = Op extends OperationLike
  ? K extends Op["kind"]
    ? Op
    : never
  : never;

/** The recorded operations of one kind, typed as that kind. */
export function ofKind<Op extends OperationLike, K extends Op["kind"]>(
  ops: readonly Op[],
  kind: K,
): OfKind<Op, K>[] {
  return ops.filter((op): op is OfKind<Op, K> => op.kind === kind);
}

/**
 * Polls `check` every 10 ms until it returns true; rejects after `timeoutMs` (default 10 s) with
 * `what` in the message. For conditions reached by another party (a server, a consumer), never
 * for timing assertions.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = "the condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} was not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What `deferred` returns. */
export interface Deferred<T> {
  /** Resolves once `resolve` is called. */
  readonly promise: Promise<T>;
  /** Resolves `promise`. */
  readonly resolve: (value: T) => void;
}

/** A promise with its `resolve` outside: a signal one part of a test gives another. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
