import { randomBytes } from "node:crypto";
import type { Connection, Operation } from "@helix/nats-core";

/** A unique stream name (and subject prefix) per test, so tests never depend on order. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

/** Installs a middleware that records every operation it sees (the objects, after `next()`). */
export function recordOperations(conn: Connection, name = "record"): Operation[] {
  const seen: Operation[] = [];
  conn.middleware.add(
    async (op, next) => {
      seen.push(op);
      return next();
    },
    { name },
  );
  return seen;
}

/** The member(s) of `Operation` whose `kind` may be `K` (stream operations share one type). */
export type OperationOf<K extends Operation["kind"]> = Operation extends infer O
  ? O extends { kind: infer OK }
    ? K extends OK
      ? O
      : never
    : never
  : never;

/** Operations of the given kind only. */
export function ofKind<K extends Operation["kind"]>(
  ops: readonly Operation[],
  kind: K,
): OperationOf<K>[] {
  return ops.filter((op) => op.kind === kind) as OperationOf<K>[];
}
