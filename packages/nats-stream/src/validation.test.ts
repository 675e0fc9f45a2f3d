import { ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { resolvePublisherOptions } from "./validation.js";

describe("resolvePublisherOptions", () => {
  it("fills the defaults: window 4000, 4 attempts from 250 ms up to 2 s", () => {
    expect(resolvePublisherOptions()).toEqual({
      maxPending: 4000,
      retry: { attempts: 4, initialDelayMs: 250, maxDelayMs: 2000, onRetry: undefined },
      timeoutMs: undefined,
    });
  });

  it("turns retries off with retry: false", () => {
    expect(resolvePublisherOptions({ retry: false }).retry.attempts).toBe(1);
  });

  it("raises maxDelayMs to a larger initial delay when it is not given", () => {
    expect(resolvePublisherOptions({ retry: { initialDelayMs: 5000 } }).retry.maxDelayMs).toBe(
      5000,
    );
  });

  it("rejects bad values with ValidationError", () => {
    for (const bad of [
      { maxPending: 0 },
      { maxPending: 1.5 },
      { timeoutMs: 0 },
      { retry: { attempts: 0 } },
      { retry: { initialDelayMs: -1 } },
      { retry: { initialDelayMs: 100, maxDelayMs: 50 } },
      { retry: { onRetry: "x" } },
    ]) {
      expect(() => resolvePublisherOptions(bad as never), JSON.stringify(bad)).toThrow(
        ValidationError,
      );
    }
  });
});
