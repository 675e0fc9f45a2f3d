import { describe, expect, it } from "vitest";
import { normalizeServerVersion, parseVersionOutput } from "./versions.js";

describe("normalizeServerVersion", () => {
  it("drops a leading v and keeps pre-release tags", () => {
    expect(normalizeServerVersion("v2.15.3")).toBe("2.15.3");
    expect(normalizeServerVersion(" 2.9.10 ")).toBe("2.9.10");
    expect(normalizeServerVersion("2.15.0-RC.1")).toBe("2.15.0-RC.1");
  });

  it("refuses what is not a version, naming the expected form", () => {
    expect(() => normalizeServerVersion("latest")).toThrow(
      'nats-testing: "latest" is not a nats-server version: write it as MAJOR.MINOR.PATCH, e.g. "2.15.3"',
    );
    expect(() => normalizeServerVersion("2.15")).toThrow(TypeError);
  });
});

describe("parseVersionOutput", () => {
  it("reads the version nats-server --version prints", () => {
    expect(parseVersionOutput("nats-server: v2.9.10\n")).toBe("2.9.10");
    expect(parseVersionOutput("nats-server: v2.15.0-RC.1")).toBe("2.15.0-RC.1");
    expect(parseVersionOutput("nothing here")).toBeUndefined();
  });
});
