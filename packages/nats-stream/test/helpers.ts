import { randomBytes } from "node:crypto";
import type { Connection, Operation, OperationOf } from "@helix/nats-core";

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

/** Operations of the given kind only. */
export function ofKind<K extends Operation["kind"]>(
  ops: readonly Operation[],
  kind: K,
): OperationOf<K>[] {
  return ops.filter((op) => op.kind === kind) as OperationOf<K>[];
}
