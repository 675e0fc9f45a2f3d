import { describe, expect, it } from "vitest";
import {
  connectionClosedError,
  drainDeadlineError,
  heartbeatError,
  terminalStatusError,
  toPullError,
} from "./errors.js";

const ctx = { stream: "ORDERS", consumer: "worker", operation: "consume" };

describe("consume status errors", () => {
  it("ends a consume when its consumer or stream is gone", () => {
    expect(
      terminalStatusError(
        { type: "consumer_deleted", code: 409, description: "Consumer Deleted" },
        ctx,
        false,
      ),
    ).toMatchObject({ code: "NOT_FOUND", what: "consumer", resource: "worker" });
    expect(
      terminalStatusError(
        { type: "consumer_not_found", name: "worker", stream: "ORDERS", count: 1 },
        ctx,
        false,
      ),
    ).toMatchObject({ what: "consumer" });
    expect(
      terminalStatusError({ type: "stream_not_found", name: "ORDERS" }, ctx, true),
    ).toMatchObject({
      what: "stream",
      resource: "ORDERS",
    });
  });

  it("leaves informational notifications (and ordered consumer resets) alone", () => {
    expect(
      terminalStatusError({ type: "heartbeats_missed", count: 2 }, ctx, false),
    ).toBeUndefined();
    expect(
      terminalStatusError({ type: "discard", messagesLeft: 1, bytesLeft: 0 }, ctx, false),
    ).toBeUndefined();
    expect(
      terminalStatusError(
        { type: "consumer_deleted", code: 409, description: "Consumer Deleted" },
        ctx,
        true,
      ),
    ).toBeUndefined();
  });

  it("reports missed heartbeats as a retryable TimeoutError", () => {
    const err = heartbeatError(2, ctx);
    expect(err).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(err.message).toContain('"worker"');
  });

  it("maps the client's pull errors (status errors, API not-found errors) with the consumer named", () => {
    const named = (name: string, message: string, extra = {}) =>
      Object.assign(new Error(message), { name }, extra);
    expect(
      toPullError(named("JetStreamStatusError", "consumer deleted", { code: 409 }), ctx),
    ).toMatchObject({
      what: "consumer",
      resource: "worker",
    });
    expect(
      toPullError(named("StreamNotFoundError", "stream not found", { code: 10059 }), ctx),
    ).toMatchObject({
      what: "stream",
      resource: "ORDERS",
    });
    expect(toPullError(named("JetStreamError", "heartbeats missed"), ctx)).toMatchObject({
      code: "TIMEOUT",
    });
    expect(toPullError(named("TimeoutError", "t"), ctx)).toMatchObject({ code: "TIMEOUT" });
  });
});

describe("how a consume ends", () => {
  it("a drain deadline says how many handlers were still running, or that acks were unconfirmed", () => {
    const prefix =
      'consume: drain() of consumer "worker" of stream "ORDERS" did not finish within 500 ms: ';
    expect(drainDeadlineError(ctx, 500, 1)).toMatchObject({
      code: "TIMEOUT",
      message: `${prefix}1 handler still running, its signal aborted`,
    });
    expect(drainDeadlineError(ctx, 500, 3).message).toBe(
      `${prefix}3 handlers still running, their signal aborted`,
    );
    expect(drainDeadlineError(ctx, 500, 0).message).toBe(
      `${prefix}the server did not confirm the acks`,
    );
  });

  it("a closed connection is a ConnectionError naming the consumer", () => {
    expect(connectionClosedError(ctx)).toMatchObject({
      name: "ConnectionError",
      code: "CONNECTION_CLOSED",
      message: 'consume: the connection closed under consumer "worker" of stream "ORDERS"',
    });
  });
});
