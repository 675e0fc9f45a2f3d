import { describe, expect, it } from "vitest";
import { isAddressProblem, parseAddress, redactAddress, splitHostPort } from "./address.js";

describe("parseAddress", () => {
  it.each([
    ["nats://127.0.0.1:4222", "nats://127.0.0.1:4222", 4222],
    ["127.0.0.1:5222", "nats://127.0.0.1:5222", 5222],
    ["localhost", "nats://localhost:4222", 4222],
    ["tls://nats.example.com", "tls://nats.example.com:4222", 4222],
    ["NATS://Host:1", "nats://host:1", 1],
    ["nats://[::1]:4222", "nats://[::1]:4222", 4222],
  ])("%s → %s", (input, url, port) => {
    const parsed = parseAddress(input);
    if (isAddressProblem(parsed)) throw new Error(parsed.problem);
    expect(parsed.url).toBe(url);
    expect(parsed.port).toBe(port);
  });

  it("keeps IPv6 hosts without brackets", () => {
    const parsed = parseAddress("nats://[::1]:4222");
    expect(isAddressProblem(parsed) ? parsed.problem : parsed.host).toBe("::1");
  });

  it("separates URL credentials from the URL and decodes them", () => {
    const parsed = parseAddress("nats://us%20er:pa%3Ass@h:4222");
    expect(parsed).toMatchObject({ url: "nats://h:4222", user: "us er", pass: "pa:ss" });
  });

  it("reports problems without the password", () => {
    const parsed = parseAddress("http://user:topsecret@h:4222");
    expect(isAddressProblem(parsed) && parsed.problem).toMatch(/not supported/);
    const withPath = parseAddress("nats://user:topsecret@h:4222/x");
    expect(isAddressProblem(withPath) && withPath.problem).not.toContain("topsecret");
  });
});

describe("redactAddress", () => {
  it.each([
    ["nats://u:p@h:4222", "nats://h:4222"],
    ["u:p@h:4222", "h:4222"],
    ["tls://token@h", "tls://h"],
    ["nats://h:4222", "nats://h:4222"],
    ["not a url at all", "not a url at all"],
  ])("%s → %s", (input, output) => {
    expect(redactAddress(input)).toBe(output);
  });
});

describe("splitHostPort", () => {
  it("splits what the client reports as its current server", () => {
    expect(splitHostPort("127.0.0.1:4222")).toEqual({ address: "127.0.0.1", port: 4222 });
    expect(splitHostPort("nats://u:p@example.com:5222")).toEqual({
      address: "example.com",
      port: 5222,
    });
    expect(splitHostPort("[::1]:4222")).toEqual({ address: "::1", port: 4222 });
    expect(splitHostPort("example.com")).toEqual({ address: "example.com", port: 4222 });
    expect(splitHostPort("")).toBeNull();
  });
});
