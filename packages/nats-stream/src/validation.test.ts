import { ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { resolvePublisherOptions } from "./validation.js";

describe("resolvePublisherOptions", () => {
  it("fills the defaults: window 4000, retries for 30 s from 250 ms up to 2 s apart", () => {
    expect(resolvePublisherOptions()).toEqual({
      maxPending: 4000,
      retry: {
        attempts: Infinity,
        budgetMs: 30_000,
        initialDelayMs: 250,
        maxDelayMs: 2000,
        onRetry: undefined,
      },
      timeoutMs: undefined,
      onError: undefined,
    });
  });

  it("bounds retries by whichever of attempts and budgetMs is given, by both when both are", () => {
    const bounds = (retry: object) => {
      const { attempts, budgetMs } = resolvePublisherOptions({ retry }).retry;
      return { attempts, budgetMs };
    };
    expect(bounds({})).toEqual({ attempts: Infinity, budgetMs: 30_000 });
    expect(bounds({ attempts: 30 })).toEqual({ attempts: 30, budgetMs: Infinity });
    expect(bounds({ budgetMs: 60_000 })).toEqual({ attempts: Infinity, budgetMs: 60_000 });
    expect(bounds({ attempts: 5, budgetMs: 1_000 })).toEqual({ attempts: 5, budgetMs: 1_000 });
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
      { retry: { budgetMs: 0 } },
      { retry: { budgetMs: 1.5 } },
      { onError: "log" },
    ]) {
      expect(() => resolvePublisherOptions(bad as never), JSON.stringify(bad)).toThrow(
        ValidationError,
      );
    }
  });
});
