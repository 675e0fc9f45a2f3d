import {
  JetStreamApiError,
  KeyExistsError,
  NotFoundError,
  TimeoutError,
  WrongRevisionError,
} from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { toKvError } from "./errors.js";

const wrongLast = (code = 10071) =>
  Object.assign(new Error("wrong last sequence: 4"), { name: "JetStreamApiError", code });

describe("toKvError", () => {
  it("wrong last sequence is KeyExistsError for create", () => {
    const err = toKvError(wrongLast(), { operation: "kv.create", bucket: "b", key: "k" });
    expect(err).toBeInstanceOf(KeyExistsError);
    expect(err).toMatchObject({ key: "k", code: "KEY_EXISTS" });
  });

  it("wrong last sequence is WrongRevisionError for the other writes, keeping the code", () => {
    for (const operation of ["kv.update", "kv.delete", "kv.purge"]) {
      const err = toKvError(wrongLast(10164), { operation, bucket: "b", key: "k" });
      expect(err).toBeInstanceOf(WrongRevisionError);
      expect(err).toMatchObject({ apiCode: 10164 });
      expect(err.message).toContain('"k"');
    }
  });

  it("a missing stream is a missing bucket", () => {
    const cause = Object.assign(new Error("stream not found"), {
      name: "StreamNotFoundError",
      code: 10059,
    });
    const err = toKvError(cause, { operation: "kv.status", bucket: "orders" });
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ what: "bucket", resource: "orders" });
    expect(err.cause).toBe(cause);
  });

  it("passes the rest through core's mapping", () => {
    const timeout = Object.assign(new Error("timeout"), { name: "TimeoutError" });
    expect(toKvError(timeout, { operation: "kv.get", bucket: "b" })).toBeInstanceOf(TimeoutError);
    const other = Object.assign(new Error("other"), { name: "JetStreamApiError", code: 10058 });
    expect(toKvError(other, { operation: "kv.put", bucket: "b" })).toBeInstanceOf(
      JetStreamApiError,
    );
  });
});
