import { ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { assertHandlerArguments, assertQueue, assertRequestOptions } from "./validation.js";

const noop = () => {};

describe("validation", () => {
  it("queue names: non-empty, no white space, at most 255 characters", () => {
    expect(() => assertQueue("workers.eu-1")).not.toThrow();
    for (const bad of ["", " ", "a b", "a\tb", "x".repeat(256), 3, undefined]) {
      expect(() => assertQueue(bad)).toThrow(ValidationError);
    }
  });

  it("subscribe and reply: a filter subject, a handler, positive integers", () => {
    expect(() => assertHandlerArguments("subscribe", "a.*.>", noop, {})).not.toThrow();
    const cases: [unknown, unknown, object, string][] = [
      ["a..b", noop, {}, "subject"],
      ["a.>.b", noop, {}, "subject"],
      ["a", "nope", {}, "handler"],
      ["a", noop, { concurrency: 0 }, "concurrency"],
      ["a", noop, { concurrency: 1.5 }, "concurrency"],
      ["a", noop, { maxMessages: -1 }, "maxMessages"],
      ["a", noop, { queue: "a b" }, "queue"],
      ["a", noop, { onError: 1 }, "onError"],
    ];
    for (const [subject, handler, options, field] of cases) {
      expect(() =>
        assertHandlerArguments("subscribe", subject as string, handler, options),
      ).toThrow(expect.objectContaining({ name: "ValidationError", field }));
    }
  });

  it("request options", () => {
    expect(() =>
      assertRequestOptions({ timeoutMs: 1, retry: { attempts: 2, delayMs: 0 } }),
    ).not.toThrow();
    expect(() => assertRequestOptions({ timeoutMs: 0 })).toThrow(
      expect.objectContaining({ field: "timeoutMs" }),
    );
    expect(() => assertRequestOptions({ retry: { attempts: 0 } })).toThrow(
      expect.objectContaining({ field: "retry.attempts" }),
    );
    expect(() => assertRequestOptions({ retry: { attempts: 2, delayMs: -1 } })).toThrow(
      expect.objectContaining({ field: "retry.delayMs" }),
    );
    expect(() => assertRequestOptions({ retry: 3 as never })).toThrow(
      expect.objectContaining({ field: "retry" }),
    );
  });
});
