import { describe, expect, it } from "vitest";
import { toHelixError } from "./error-mapping.js";
import { LimitExceededError } from "./errors.js";
import { explainLimit } from "./limits.js";

function apiError(code: number, message: string): Error {
  return Object.assign(new Error(message), { name: "JetStreamApiError", code });
}

describe("limit errors", () => {
  it.each([
    [10077, "maximum messages exceeded", "max_msgs"],
    [10077, "maximum bytes exceeded", "max_bytes"],
    [10077, "maximum messages per subject exceeded", "max_msgs_per_subject"],
    [10054, "message size exceeds maximum allowed", "max_msg_size"],
  ])("maps API code %i (%s) to LimitExceededError(%s)", (code, message, limit) => {
    const mapped = toHelixError(apiError(code, message));
    expect(mapped).toBeInstanceOf(LimitExceededError);
    expect(mapped).toMatchObject({ code: "LIMIT_EXCEEDED", limit, apiCode: code });
  });

  it("leaves another store failure a JetStreamApiError", () => {
    expect(toHelixError(apiError(10077, "disk full")).code).toBe("JETSTREAM_API");
  });

  it("states the limit's value from the stream configuration", () => {
    const full = toHelixError(apiError(10077, "maximum messages exceeded")) as LimitExceededError;
    const explained = explainLimit(
      full,
      { what: "stream", name: "ORDERS", operation: "publish" },
      { max_msgs: 1000 },
    );
    expect(explained.message).toBe(
      'publish: stream "ORDERS" is full: max_msgs of 1000 reached (discard policy new)',
    );
    expect(explained).toMatchObject({ max: 1000, limit: "max_msgs", apiCode: 10077 });
    expect(explained.cause).toBe(full.cause);
  });

  it("calls a bucket's max_msg_size its max_value_size", () => {
    const big = toHelixError(apiError(10054, "message size exceeds maximum allowed"));
    const explained = explainLimit(
      big as LimitExceededError,
      { what: "bucket", name: "flags", operation: "kv.put" },
      { max_msg_size: 128 },
    );
    expect(explained.message).toBe(
      `kv.put: the value exceeds bucket "flags"'s max_value_size of 128 bytes`,
    );
    expect(explained).toMatchObject({ limit: "max_value_size", max: 128 });
  });

  it("keeps the message readable when the limit's value is unknown", () => {
    const big = toHelixError(apiError(10054, "message size exceeds maximum allowed"));
    const explained = explainLimit(
      big as LimitExceededError,
      { what: "stream", name: "S", operation: "publish" },
      { max_msg_size: -1 },
    );
    expect(explained.message).toBe(`publish: the message exceeds stream "S"'s max_msg_size`);
    expect(explained.max).toBeUndefined();
  });
});
