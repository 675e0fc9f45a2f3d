import { describe, expect, it } from "vitest";
import {
  ConfigError,
  ConnectionError,
  hasErrorCode,
  isHelixError,
  isRetryable,
  JetStreamUnavailableError,
  KeyExistsError,
  NotFoundError,
  TimeoutError,
  WrongRevisionError,
} from "./errors.js";

describe("error classes", () => {
  it("carry their class name, a code and the cause", () => {
    const cause = new Error("client");
    const err = new ConnectionError("refused", { cause });
    expect(err.name).toBe("ConnectionError");
    expect(err.code).toBe("CONNECTION_FAILED");
    expect(err.cause).toBe(cause);
    expect(String(err)).toBe("ConnectionError: refused");
    expect(new WrongRevisionError("stale").apiCode).toBe(10071);
    expect(new KeyExistsError("k").message).toBe('The key "k" already exists');
    expect(new NotFoundError("bucket", "cfg")).toMatchObject({
      what: "bucket",
      resource: "cfg",
      code: "NOT_FOUND",
    });
  });

  it("are recognised by brand, not instanceof, so a second copy of the module is understood", () => {
    const foreign = Object.assign(new Error("x"), { code: "TIMEOUT", retryable: true });
    Object.defineProperty(foreign, Symbol.for("@helix/nats.error"), { value: true });
    expect(isHelixError(foreign)).toBe(true);
    expect(isRetryable(foreign)).toBe(true);
    expect(hasErrorCode(foreign, "TIMEOUT")).toBe(true);
    expect(isHelixError(new Error("plain"))).toBe(false);
    expect(isRetryable(new Error("plain"))).toBe(false);
    expect(isHelixError(null)).toBe(false);
  });

  it("mark only transient failures as retryable", () => {
    expect(isRetryable(new JetStreamUnavailableError("electing"))).toBe(true);
    expect(isRetryable(new TimeoutError())).toBe(true);
    expect(isRetryable(new ConnectionError("closed"))).toBe(false);
    expect(isRetryable(new ConfigError([]))).toBe(false);
  });

  it("list reasons on ConfigError", () => {
    const err = new ConfigError([{ message: "bad", path: ["tls", "certFile"] }]);
    expect(err.reasons).toEqual([{ message: "bad", path: ["tls", "certFile"] }]);
    expect(err.message).toContain("(at Config > tls > certFile)");
  });
});
