import { describe, expect, it } from "vitest";
import {
  ConfigError,
  ConnectionError,
  DecodeError,
  HelixError,
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

  it("DecodeError says where the message came from and is not retryable", () => {
    const cause = new SyntaxError("Unexpected token");
    const err = new DecodeError(
      "not JSON",
      { subject: "orders.created", stream: "ORDERS", seq: 7 },
      { cause },
    );
    expect(err).toMatchObject({
      name: "DecodeError",
      code: "DECODE",
      subject: "orders.created",
      stream: "ORDERS",
      seq: 7,
      retryable: false,
      cause,
    });
    expect(isRetryable(err)).toBe(false);
  });

  it("answer instanceof for an error made by another copy of the module, by brand and name", () => {
    const foreign = Object.assign(new Error("gone"), { name: "NotFoundError", code: "NOT_FOUND" });
    Object.defineProperty(foreign, Symbol.for("@helix/nats.error"), { value: true });
    expect(foreign instanceof HelixError).toBe(true);
    expect(foreign instanceof NotFoundError).toBe(true);
    expect(foreign instanceof TimeoutError).toBe(false);
    expect(new Error("plain") instanceof HelixError).toBe(false);
    const own = new TimeoutError();
    expect(own instanceof TimeoutError && own instanceof HelixError && own instanceof Error).toBe(
      true,
    );
    expect(own instanceof NotFoundError).toBe(false);
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
