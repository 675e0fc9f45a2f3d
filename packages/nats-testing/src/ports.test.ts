import { describe, expect, it } from "vitest";
import { findFreePorts, isPortsFileOf, parsePortsFile } from "./ports.js";

describe("parsePortsFile", () => {
  it("reads the client and monitoring ports", () => {
    const text = '{"nats":["nats://127.0.0.1:34501"],"monitoring":["http://127.0.0.1:37013"]}';
    expect(parsePortsFile(text)).toEqual({ client: 34501, monitoring: 37013 });
  });

  it("works without monitoring", () => {
    expect(parsePortsFile('{"nats":["nats://127.0.0.1:4222"]}')).toEqual({
      client: 4222,
      monitoring: undefined,
    });
  });

  it("returns undefined for partial or foreign content", () => {
    expect(parsePortsFile("")).toBeUndefined();
    expect(parsePortsFile('{"nats":["nats://127.0.0.1:')).toBeUndefined();
    expect(parsePortsFile('{"nats":[]}')).toBeUndefined();
    expect(parsePortsFile("[1,2]")).toBeUndefined();
    expect(parsePortsFile('{"nats":["not a url"]}')).toBeUndefined();
  });
});

describe("isPortsFileOf", () => {
  it("matches <executable>_<pid>.ports only for that pid", () => {
    expect(isPortsFileOf("nats-server_123.ports", 123)).toBe(true);
    expect(isPortsFileOf("my-nats_123.ports", 123)).toBe(true);
    expect(isPortsFileOf("nats-server_1123.ports", 123)).toBe(false);
    expect(isPortsFileOf("nats-server_123.ports", 12)).toBe(false);
  });
});

describe("findFreePorts", () => {
  it("returns distinct usable ports", async () => {
    const ports = await findFreePorts(5);
    expect(new Set(ports).size).toBe(5);
    for (const port of ports) expect(port).toBeGreaterThan(0);
  });
});
