import { describe, expect, test } from "vitest";
import { splitHostPort } from "./record-metrics.js";

describe("splitHostPort", () => {
  test("splits host and port of the addresses core reports", () => {
    expect(splitHostPort("127.0.0.1:4222")).toEqual({ host: "127.0.0.1", port: 4222 });
    expect(splitHostPort("[::1]:4222")).toEqual({ host: "::1", port: 4222 });
    expect(splitHostPort("nats.local")).toEqual({ host: "nats.local", port: undefined });
    expect(splitHostPort("")).toEqual({ host: "", port: undefined });
  });
});
