import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type Connection,
  connect,
  isRetryable,
  JetStreamApiError,
  JetStreamUnavailableError,
  NotFoundError,
  TimeoutError,
  toHelixError,
  WrongRevisionError,
} from "../src/index.js";

const url = inject("natsUrl");

/** Runs `fn`, expects it to throw, and returns the client's own error. */
async function clientErrorOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected the client to throw");
}

describe("toHelixError with errors the real client throws", () => {
  let conn: Connection;
  const stream = `MAP_${Date.now()}`;

  beforeAll(async () => {
    conn = await connect({ addresses: [url], jetstream: { timeoutMs: 1500 } });
    const jsm = await conn.manager();
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
  });
  afterAll(async () => {
    const jsm = await conn.manager();
    await jsm.streams.delete(stream).catch(() => {});
    await conn.close();
  });

  it("a missing stream is NotFoundError(stream)", async () => {
    const jsm = await conn.manager();
    const err = await clientErrorOf(() => jsm.streams.info("NO_SUCH_STREAM"));
    const mapped = toHelixError(err, { what: "stream", resource: "NO_SUCH_STREAM" });
    expect(mapped).toBeInstanceOf(NotFoundError);
    expect(mapped).toMatchObject({ what: "stream", resource: "NO_SUCH_STREAM" });
    expect(mapped.cause).toBe(err);
  });

  it("a missing consumer is NotFoundError(consumer)", async () => {
    const jsm = await conn.manager();
    const err = await clientErrorOf(() => jsm.consumers.info(stream, "nobody"));
    const mapped = toHelixError(err, { what: "consumer", resource: "nobody" });
    expect(mapped).toMatchObject({ code: "NOT_FOUND", what: "consumer" });
  });

  it("a publish to a subject no stream captures is JetStreamUnavailableError (no responders), retryable", async () => {
    const err = await clientErrorOf(() => conn.jetstream.publish("nowhere.at.all", "x"));
    const mapped = toHelixError(err);
    expect(mapped).toBeInstanceOf(JetStreamUnavailableError);
    expect(isRetryable(mapped)).toBe(true);
  });

  it("a stale expected last sequence is WrongRevisionError (10071)", async () => {
    await conn.jetstream.publish(`${stream}.a`, "1");
    const err = await clientErrorOf(() =>
      conn.jetstream.publish(`${stream}.a`, "2", { expect: { lastSequence: 999 } }),
    );
    const mapped = toHelixError(err);
    expect(mapped).toBeInstanceOf(WrongRevisionError);
    expect((mapped as WrongRevisionError).apiCode).toBe(10071);
  });

  it("other API errors keep their code: a stream name already in use with another config", async () => {
    const jsm = await conn.manager();
    const err = await clientErrorOf(() => jsm.streams.add({ name: stream, subjects: ["other.>"] }));
    const mapped = toHelixError(err);
    expect(mapped).toBeInstanceOf(JetStreamApiError);
    expect((mapped as JetStreamApiError).apiCode).toBe(10058);
  });

  it("a request nobody answers in time is TimeoutError", async () => {
    const sub = conn.nats.subscribe("slow.service");
    const err = await clientErrorOf(() => conn.nats.request("slow.service", "x", { timeout: 100 }));
    sub.unsubscribe();
    const mapped = toHelixError(err);
    expect(mapped).toBeInstanceOf(TimeoutError);
    expect(isRetryable(mapped)).toBe(true);
  });

  it("a publish on a closed connection is ConnectionError(CONNECTION_CLOSED)", async () => {
    const other = await connect({ addresses: [url] });
    await other.close();
    const err = await clientErrorOf(async () =>
      other.nats.publish("x", "y", { headers: headers() }),
    );
    expect(toHelixError(err).code).toBe("CONNECTION_CLOSED");
  });
});
