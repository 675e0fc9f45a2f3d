import { ValidationError } from "@helix/nats-core";
import { uniqueName } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it } from "vitest";
import { kvSuite } from "./helpers.js";

const url = inject("natsUrl");

/** A config as an application types it: an interface, not a literal. */
interface FeatureFlag {
  enabled: boolean;
  rollout: number;
}

function loadFlag(): FeatureFlag {
  return { enabled: true, rollout: 50 };
}

describe("write values: a function is refused at compile time and at run time", () => {
  const suite = kvSuite(url);

  it("put, create and update take interfaces, literals, strings and bytes", async () => {
    const kv = await suite.kvm.create({ bucket: uniqueName("values"), history: 5 });
    const flag: FeatureFlag = loadFlag();
    const rev = await kv.put("flag", flag);
    expect(await kv.create("text", "plain")).toBe(rev + 1);
    expect(await kv.update("flag", { enabled: false, rollout: 0 }, rev)).toBe(rev + 2);
    expect(await kv.put("bytes", new Uint8Array([1, 2]))).toBe(rev + 3);
    expect((await kv.get("flag"))?.json<FeatureFlag>()).toEqual({ enabled: false, rollout: 0 });
  });

  it("a function (a forgotten call) does not compile, and is a ValidationError before any I/O", async () => {
    const kv = await suite.kvm.create({ bucket: uniqueName("values") });
    const before = suite.ops.length;
    const calls = [
      // @ts-expect-error a function is not a value: loadFlag() was meant
      () => kv.put("flag", loadFlag),
      // @ts-expect-error same for create
      () => kv.create("flag", () => ({ enabled: true })),
      // @ts-expect-error same for update
      () => kv.update("flag", async () => 1, 1),
    ];
    for (const call of calls) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ field: "value" });
    }
    expect(suite.ops.length).toBe(before);
    expect(await kv.keys()).toEqual([]);
  });
});
