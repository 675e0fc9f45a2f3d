import { describe, expect, it } from "vitest";
import { toHelixError } from "./error-mapping.js";
import { HelixError, isRetryable, NotFoundError, ValidationError } from "./errors.js";

/** Builds an error shaped like the NATS client's (matching is by name and code). */
function clientError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  const err = new Error(message);
  err.name = name;
  return Object.assign(err, extra);
}

describe("toHelixError (shapes of the client's errors; real ones are tested against a server)", () => {
  it.each([
    ["TimeoutError", {}, "TIMEOUT", true],
    ["NoRespondersError", {}, "JETSTREAM_UNAVAILABLE", true],
    ["JetStreamNotEnabled", {}, "JETSTREAM_UNAVAILABLE", true],
    ["ClosedConnectionError", {}, "CONNECTION_CLOSED", false],
    ["DrainingConnectionError", {}, "CONNECTION_DRAINING", false],
    ["AuthorizationError", {}, "AUTHORIZATION_FAILED", false],
    ["ConnectionError", {}, "CONNECTION_FAILED", false],
    ["PermissionViolationError", {}, "PERMISSION_DENIED", false],
    ["InvalidSubjectError", {}, "VALIDATION", false],
    ["AbortError", {}, "CANCELLED", false],
    ["JetStreamApiError", { code: 10059 }, "NOT_FOUND", false],
    ["JetStreamApiError", { code: 10014 }, "NOT_FOUND", false],
    ["JetStreamApiError", { code: 10071 }, "WRONG_REVISION", false],
    ["JetStreamApiError", { code: 10164 }, "WRONG_REVISION", false],
    ["JetStreamApiError", { code: 10008 }, "JETSTREAM_UNAVAILABLE", true],
    ["JetStreamApiError", { code: 10039 }, "JETSTREAM_UNAVAILABLE", false],
    ["JetStreamApiError", { code: 10058 }, "JETSTREAM_API", false],
    ["SomethingElse", {}, "NATS", false],
  ])("%s %o → %s (retryable: %s)", (name, extra, code, retryable) => {
    const cause = clientError(name, "client says no", extra);
    const mapped = toHelixError(cause);
    expect(mapped).toBeInstanceOf(HelixError);
    expect(mapped.code).toBe(code);
    expect(isRetryable(mapped)).toBe(retryable);
    expect(mapped.cause).toBe(cause);
  });

  it("maps a request error caused by no responders or a timeout", () => {
    const noResponders = Object.assign(clientError("RequestError", "no responders"), {
      isNoResponders: () => true,
    });
    expect(toHelixError(noResponders).code).toBe("JETSTREAM_UNAVAILABLE");
    const timedOut = clientError("RequestError", "timeout", {
      cause: clientError("TimeoutError", "timeout"),
    });
    expect(toHelixError(timedOut).code).toBe("TIMEOUT");
  });

  it("names the missing resource from the context", () => {
    const mapped = toHelixError(
      clientError("JetStreamApiError", "stream not found", { code: 10059 }),
      {
        what: "stream",
        resource: "ORDERS",
      },
    );
    expect(mapped).toBeInstanceOf(NotFoundError);
    expect((mapped as NotFoundError).what).toBe("stream");
    expect(mapped.message).toBe('The stream "ORDERS" was not found');
  });

  it("tells an account without JetStream (final) from a JetStream that is not ready (retryable)", () => {
    const forAccount = clientError("JetStreamNotEnabled", "jetstream not enabled for account", {
      cause: clientError("JetStreamApiError", "jetstream not enabled for account", { code: 10039 }),
    });
    expect(toHelixError(forAccount)).toMatchObject({
      code: "JETSTREAM_UNAVAILABLE",
      retryable: false,
    });
    const electing = clientError("JetStreamNotEnabled", "jetstream is not enabled", {
      cause: Object.assign(clientError("RequestError", "no responders"), {
        isNoResponders: () => true,
      }),
    });
    expect(toHelixError(electing)).toMatchObject({
      code: "JETSTREAM_UNAVAILABLE",
      retryable: true,
    });
  });

  it("calls a missing stream a bucket when the call was about a bucket", () => {
    const mapped = toHelixError(
      clientError("StreamNotFoundError", "stream not found", { code: 10059 }),
      {
        what: "bucket",
        resource: "config",
      },
    );
    expect(mapped).toMatchObject({ code: "NOT_FOUND", what: "bucket" });
    expect(mapped.message).toBe('The bucket "config" was not found');
  });

  it.each([
    ["JetStreamStatusError", "consumer deleted", "consumer", 'The consumer "worker" was not found'],
    [
      "JetStreamStatusError",
      "consumer not found",
      "consumer",
      'The consumer "worker" was not found',
    ],
    ["JetStreamStatusError", "stream deleted", "stream", 'The stream "ORDERS" was not found'],
    ["JetStreamStatusError", "stream not found", "stream", 'The stream "ORDERS" was not found'],
  ])("maps the pull status %s %j to NotFoundError(%s)", (name, description, what, text) => {
    const mapped = toHelixError(clientError(name, description, { code: 409 }), {
      what: "consumer",
      resource: "worker",
      stream: "ORDERS",
      operation: "fetch",
    });
    expect(mapped).toMatchObject({ code: "NOT_FOUND", what });
    expect(mapped.message).toBe(text);
  });

  it("maps missed heartbeats, from the server or the client's own check, to TimeoutError", () => {
    for (const [name, message] of [
      ["JetStreamStatusError", "idle heartbeats missed"],
      ["JetStreamError", "heartbeats missed"],
    ] as const) {
      const mapped = toHelixError(clientError(name, message), { operation: "consume" });
      expect(mapped).toMatchObject({ code: "TIMEOUT", retryable: true });
      expect(mapped.message).toBe("consume: heartbeats from the server were missed");
    }
  });

  it("maps a 503 pull status (2.10+: no consumer to answer) to a retryable JetStreamUnavailableError", () => {
    const mapped = toHelixError(
      clientError("JetStreamStatusError", "no responders", { code: 503 }),
      { operation: "fetch" },
    );
    expect(mapped).toMatchObject({ code: "JETSTREAM_UNAVAILABLE", retryable: true });
    expect(mapped.message).toBe(
      "fetch: no responders: JetStream is not enabled, not ready, or electing a leader",
    );
  });

  it("maps a request the closing connection gave up on to ConnectionError", () => {
    const mapped = toHelixError(clientError("RequestError", "connection closed"), {
      operation: "kv.put",
    });
    expect(mapped).toMatchObject({ name: "ConnectionError", code: "CONNECTION_CLOSED" });
    expect(mapped.message).toBe("kv.put: the connection closed before the server answered");
  });

  it("leaves other status errors generic", () => {
    expect(toHelixError(clientError("JetStreamStatusError", "exceeded maxwaiting")).code).toBe(
      "NATS",
    );
  });

  it("keeps the API code on other JetStream errors", () => {
    const mapped = toHelixError(
      clientError("JetStreamApiError", "stream name already in use", { code: 10058 }),
    );
    expect(mapped).toMatchObject({ code: "JETSTREAM_API", apiCode: 10058 });
  });

  it("passes helix errors through and wraps non-errors", () => {
    const own = new ValidationError("subject", "bad subject");
    expect(toHelixError(own)).toBe(own);
    expect(toHelixError("a string").message).toBe("a string");
    expect(toHelixError(undefined, { operation: "stream.get" }).message).toBe(
      "stream.get: undefined",
    );
  });

  it("prefixes the operation", () => {
    expect(toHelixError(clientError("TimeoutError", "t"), { operation: "kv.put" }).message).toBe(
      "kv.put: timed out waiting for the server",
    );
  });
});

describe("a denied request", () => {
  it("is a PermissionError when the client's RequestError carries the permission violation", () => {
    const denied = new Error('Permissions Violation for Publish to "orders.x"');
    denied.name = "PermissionViolationError";
    const request = Object.assign(new Error(denied.message, { cause: denied }), {
      name: "RequestError",
      isNoResponders: () => false,
    });
    const mapped = toHelixError(request, { operation: "publish" });
    expect(mapped.code).toBe("PERMISSION_DENIED");
    expect(mapped.message).toBe('publish: Permissions Violation for Publish to "orders.x"');
    expect(mapped.cause).toBe(request);
  });
});
