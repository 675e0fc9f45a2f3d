import { describe, expect, it } from "vitest";
import { ConfigError, MiddlewareError } from "./errors.js";
import { type Middleware, MiddlewareStack } from "./middleware.js";
import type { ClientInfo, Operation } from "./operations.js";

const client: ClientInfo = { name: "test", serverAddress: "127.0.0.1", serverPort: 4222 };
const op = (): Operation => ({ kind: "stream.get", stream: "ORDERS", client });

/** A middleware that records when it runs, before and after `next()`. */
function recorder(log: string[], name: string): Middleware {
  return async (_op, next) => {
    log.push(`${name}>`);
    const result = await next();
    log.push(`<${name}`);
    return result;
  };
}

describe("MiddlewareStack", () => {
  it("calls the terminal directly when empty", async () => {
    const stack = new MiddlewareStack();
    await expect(stack.run(op(), async () => 42)).resolves.toBe(42);
  });

  it("runs middlewares outermost first, in the order added", async () => {
    const log: string[] = [];
    const stack = new MiddlewareStack();
    stack.add(recorder(log, "a"), { name: "a" }).add(recorder(log, "b"), { name: "b" });
    const result = await stack.run(op(), async () => {
      log.push("terminal");
      return "done";
    });
    expect(result).toBe("done");
    expect(log).toEqual(["a>", "b>", "terminal", "<b", "<a"]);
    expect(stack.names).toEqual(["a", "b"]);
  });

  it("places a middleware before or after another", () => {
    const stack = new MiddlewareStack();
    const noop: Middleware = (_op, next) => next();
    stack.add(noop, { name: "a" }).add(noop, { name: "c" });
    stack.add(noop, { name: "b", after: "a" });
    stack.add(noop, { name: "first", before: "a" });
    stack.add(noop, { name: "d", after: "c" });
    expect(stack.names).toEqual(["first", "a", "b", "c", "d"]);
  });

  it("rejects a duplicate name, an unknown anchor, both anchors, and a non-function", () => {
    const stack = new MiddlewareStack();
    const noop: Middleware = (_op, next) => next();
    stack.add(noop, { name: "a" });
    expect(() => stack.add(noop, { name: "a" })).toThrow(/already installed/);
    expect(() => stack.add(noop, { name: "b", before: "zzz" })).toThrow(
      /no middleware named "zzz"/,
    );
    expect(() => stack.add(noop, { name: "b", before: "a", after: "a" })).toThrow(/not both/);
    expect(() => stack.add(42 as unknown as Middleware, { name: "b" })).toThrow(ConfigError);
    expect(() => stack.add(noop, { name: "" })).toThrow(/non-empty name/);
    expect(() => stack.add(noop, { name: "b", idle: true as unknown as () => boolean })).toThrow(
      /idle must be a function/,
    );
    expect(stack.names).toEqual(["a"]);
  });

  it("removes by name, and reports whether it did", async () => {
    const log: string[] = [];
    const stack = new MiddlewareStack();
    stack.add(recorder(log, "a"), { name: "a" }).add(recorder(log, "b"), { name: "b" });
    expect(stack.remove("a")).toBe(true);
    expect(stack.remove("a")).toBe(false);
    await stack.run(op(), async () => undefined);
    expect(log).toEqual(["b>", "<b"]);
  });

  it("propagates errors from the terminal through every middleware", async () => {
    const seen: unknown[] = [];
    const stack = new MiddlewareStack();
    stack.add(
      async (_op, next) => {
        try {
          return await next();
        } catch (err) {
          seen.push(err);
          throw err;
        }
      },
      { name: "observer" },
    );
    const boom = new Error("boom");
    await expect(stack.run(op(), () => Promise.reject(boom))).rejects.toBe(boom);
    expect(seen).toEqual([boom]);
  });

  it("turns a middleware that throws synchronously into a rejection and stays usable", async () => {
    const stack = new MiddlewareStack();
    let calls = 0;
    stack.add(
      ((_op, next) => {
        calls++;
        if (calls === 1) throw new Error("sync failure");
        return next();
      }) as Middleware,
      { name: "flaky" },
    );
    await expect(stack.run(op(), async () => "ok")).rejects.toThrow("sync failure");
    await expect(stack.run(op(), async () => "ok")).resolves.toBe("ok");
    expect(stack.names).toEqual(["flaky"]);
  });

  it("refuses a second call of next()", async () => {
    const stack = new MiddlewareStack();
    stack.add(
      async (_op, next) => {
        await next();
        return next();
      },
      { name: "twice" },
    );
    let terminalCalls = 0;
    await expect(
      stack.run(op(), async () => {
        terminalCalls++;
      }),
    ).rejects.toBeInstanceOf(MiddlewareError);
    expect(terminalCalls).toBe(1);
  });

  it("lets a middleware change the operation and short-circuit", async () => {
    const stack = new MiddlewareStack();
    stack.add(
      (async (o: Operation, next: () => Promise<unknown>) => {
        if (o.kind === "stream.get" && o.stream === "CACHED") return "from cache";
        return next();
      }) as Middleware,
      { name: "cache" },
    );
    const cached: Operation = { kind: "stream.get", stream: "CACHED", client };
    await expect(stack.run(cached, async () => "from server")).resolves.toBe("from cache");
    await expect(stack.run(op(), async () => "from server")).resolves.toBe("from server");
  });

  it("keeps the chain an operation started with when the stack changes meanwhile", async () => {
    const log: string[] = [];
    const stack = new MiddlewareStack();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    stack.add(
      async (_op, next) => {
        log.push("a");
        await gate;
        return next();
      },
      { name: "a" },
    );
    stack.add(recorder(log, "b"), { name: "b" });
    const running = stack.run(op(), async () => log.push("terminal"));
    stack.remove("b");
    release();
    await running;
    expect(log).toEqual(["a", "b>", "terminal", "<b"]);
  });

  describe("idle middlewares", () => {
    it("is idle when empty or when every middleware says so; a middleware without a check never is", () => {
      const stack = new MiddlewareStack();
      expect(stack.idle()).toBe(true);
      let quiet = true;
      stack.add((_op, next) => next(), { name: "quiet", idle: () => quiet });
      expect(stack.idle()).toBe(true);
      quiet = false;
      expect(stack.idle()).toBe(false);
      quiet = true;
      stack.add((_op, next) => next(), { name: "plain" });
      expect(stack.idle()).toBe(false);
      stack.remove("plain");
      expect(stack.idle()).toBe(true);
    });

    it("passes over an idle middleware, and calls it again once it has work", async () => {
      const log: string[] = [];
      let quiet = true;
      const stack = new MiddlewareStack();
      stack
        .add(recorder(log, "a"), { name: "a" })
        .add(recorder(log, "b"), { name: "b", idle: () => quiet })
        .add(recorder(log, "c"), { name: "c" });
      const terminal = async (): Promise<string> => {
        log.push("terminal");
        return "done";
      };
      await expect(stack.run(op(), terminal)).resolves.toBe("done");
      expect(log).toEqual(["a>", "c>", "terminal", "<c", "<a"]);
      log.length = 0;
      quiet = false;
      await stack.run(op(), terminal);
      expect(log).toEqual(["a>", "b>", "c>", "terminal", "<c", "<b", "<a"]);
    });

    it("calls the terminal directly, with no middleware, when all are idle", async () => {
      const log: string[] = [];
      const stack = new MiddlewareStack();
      stack.add(recorder(log, "a"), { name: "a", idle: () => true });
      await expect(stack.run(op(), async () => 7)).resolves.toBe(7);
      expect(log).toEqual([]);
    });

    it("counts a check that throws or answers anything but true as not idle", async () => {
      const log: string[] = [];
      const stack = new MiddlewareStack();
      stack.add(recorder(log, "a"), {
        name: "a",
        idle: () => {
          throw new Error("broken check");
        },
      });
      stack.add(recorder(log, "b"), { name: "b", idle: () => 1 as unknown as boolean });
      expect(stack.idle()).toBe(false);
      await stack.run(op(), async () => log.push("terminal"));
      expect(log).toEqual(["a>", "b>", "terminal", "<b", "<a"]);
    });
  });
});
