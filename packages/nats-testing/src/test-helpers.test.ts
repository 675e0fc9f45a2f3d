import { describe, expect, it } from "vitest";
import { deferred, ofKind, recordOperations, uniqueName, until } from "./test-helpers.js";

type Op = { kind: "a"; n: number } | { kind: "b"; s: string } | { kind: "c.x" | "c.y"; c: number };

describe("test helpers", () => {
  it("uniqueName gives distinct valid names with the prefix", () => {
    const a = uniqueName("orders");
    expect(a).toMatch(/^orders_[0-9a-f]{8}$/);
    expect(uniqueName("orders")).not.toBe(a);
  });

  it("recordOperations records what the stack runs; ofKind narrows by kind", async () => {
    let installed: ((op: Op, next: () => Promise<unknown>) => Promise<unknown>) | undefined;
    let placement: { name: string } | undefined;
    const conn = {
      middleware: {
        add(m: typeof installed, p: { name: string }) {
          installed = m;
          placement = p;
        },
      },
    };
    const ops = recordOperations<Op>(conn);
    expect(placement).toEqual({ name: "record" });
    await installed?.({ kind: "a", n: 1 }, async () => "x");
    await installed?.({ kind: "b", s: "y" }, async () => "z");
    expect(ops).toEqual([
      { kind: "a", n: 1 },
      { kind: "b", s: "y" },
    ]);
    expect(ofKind(ops, "b").map((op) => op.s)).toEqual(["y"]);
    await installed?.({ kind: "c.y", c: 3 }, async () => "w");
    // a member whose kind is a union is found by any of its kinds, and typed as that member
    expect(ofKind(ops, "c.y").map((op) => op.c)).toEqual([3]);
    expect(ofKind(ops, "c.x")).toEqual([]);
  });

  it("until waits for a condition and fails with what was awaited", async () => {
    let n = 0;
    await until(() => ++n === 3);
    expect(n).toBe(3);
    await expect(until(() => false, 30, "the third message")).rejects.toThrow(
      "the third message was not met within 30 ms",
    );
  });

  it("deferred resolves from outside", async () => {
    const d = deferred<number>();
    d.resolve(4);
    await expect(d.promise).resolves.toBe(4);
  });
});
