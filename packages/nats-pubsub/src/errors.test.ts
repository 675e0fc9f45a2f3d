import { copyHeaders, HelixError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import {
  isNoRespondersError,
  isServiceError,
  NoRespondersError,
  ServiceError,
  serviceErrorFor,
  serviceErrorOf,
  toPubSubError,
} from "./errors.js";

const reply = (headers?: Record<string, string>) => ({
  subject: "_INBOX.x",
  reply: undefined,
  headers: headers === undefined ? undefined : copyHeaders(headers),
  data: new Uint8Array(0),
});

describe("service error responses", () => {
  it("reads the code and description of an error response, in any header casing", () => {
    const err = serviceErrorOf(
      reply({ "nats-service-error-code": "404", "Nats-Service-Error": "no such order" }),
      "orders.get",
    );
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({
      name: "ServiceError",
      code: "SERVICE_ERROR",
      serviceCode: 404,
      description: "no such order",
      subject: "orders.get",
      message: 'service error 404: no such order (subject "orders.get")',
      retryable: false,
    });
  });

  it("an ordinary reply is no error; a description alone is a 500", () => {
    expect(serviceErrorOf(reply(), "s")).toBeUndefined();
    expect(serviceErrorOf(reply({ "Content-Type": "application/json" }), "s")).toBeUndefined();
    expect(serviceErrorOf(reply({ "Nats-Service-Error": "boom" }), "s")).toMatchObject({
      serviceCode: 500,
      description: "boom",
    });
    expect(serviceErrorOf(reply({ "Nats-Service-Error-Code": "409" }), "s")).toMatchObject({
      serviceCode: 409,
      description: "unknown error",
    });
  });

  it("what a failed handler sends: its ServiceError's code, else 500 and the message", () => {
    expect(serviceErrorFor(new ServiceError(418, "teapot"))).toEqual({
      code: 418,
      description: "teapot",
    });
    expect(serviceErrorFor(new Error("db down"))).toEqual({ code: 500, description: "db down" });
    expect(serviceErrorFor("nope")).toEqual({ code: 500, description: "nope" });
    expect(serviceErrorFor(new Error(""))).toEqual({ code: 500, description: "handler failed" });
  });
});

describe("client errors", () => {
  it("no responders, however the client words it, is a NoRespondersError", () => {
    const byName = toPubSubError({ name: "NoRespondersError" }, "request", "a.b");
    const byMethod = toPubSubError(
      { name: "RequestError", isNoResponders: () => true },
      "request",
      "a.b",
    );
    const byCause = toPubSubError(
      { name: "RequestError", cause: { name: "NoRespondersError" } },
      "request",
      "a.b",
    );
    for (const err of [byName, byMethod, byCause]) {
      expect(err).toBeInstanceOf(NoRespondersError);
      expect(err).toMatchObject({ code: "NO_RESPONDERS", subject: "a.b" });
      expect(isNoRespondersError(err)).toBe(true);
    }
  });

  it("a timeout is core's TimeoutError", () => {
    expect(toPubSubError({ name: "TimeoutError" }, "request", "a")).toMatchObject({
      name: "TimeoutError",
      code: "TIMEOUT",
    });
  });

  it("the predicates tell the classes apart", () => {
    expect(isServiceError(new ServiceError(1, "x"))).toBe(true);
    expect(isServiceError(new HelixError("x", "SERVICE_ERROR"))).toBe(false);
    expect(isServiceError(new NoRespondersError("a"))).toBe(false);
    expect(isNoRespondersError(new ServiceError(1, "x"))).toBe(false);
  });
});
