import { describe, expect, expectTypeOf, it } from "vitest";
import type {
  KvOperation,
  Operation,
  OperationOf,
  PublishOperation,
  StreamOperation,
} from "./operations.js";

function onlyKind<K extends Operation["kind"]>(ops: Operation[], kind: K): OperationOf<K>[] {
  return ops.filter((op) => op.kind === kind) as OperationOf<K>[];
}

describe("OperationOf", () => {
  it("names the member of Operation a kind belongs to, also when its kind is a union", () => {
    expectTypeOf<OperationOf<"publish">>().toEqualTypeOf<PublishOperation>();
    expectTypeOf<OperationOf<"kv.put">>().toEqualTypeOf<KvOperation>();
    expectTypeOf<OperationOf<"stream.purge">>().toEqualTypeOf<StreamOperation>();
    expectTypeOf<OperationOf<"kv.get" | "stream.get">>().toEqualTypeOf<
      KvOperation | StreamOperation
    >();
  });

  it("narrows a filtered list so the kind's own fields are typed", () => {
    const ops = [
      { kind: "kv.put", bucket: "b", key: "k" },
      { kind: "publish", subject: "s" },
    ] as unknown as Operation[];
    const puts = onlyKind(ops, "kv.put");
    expect(puts.map((op) => `${op.bucket}/${op.key}`)).toEqual(["b/k"]);
  });
});
