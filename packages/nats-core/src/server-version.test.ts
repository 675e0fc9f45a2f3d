import { describe, expect, it } from "vitest";
import { UnsupportedFeatureError } from "./errors.js";
import { compareVersions, requireServerVersion, versionAtLeast } from "./server-version.js";

describe("compareVersions", () => {
  it("orders by major, minor, then patch numerically", () => {
    expect(compareVersions("2.9.10", "2.10.0")).toBe(-1);
    expect(compareVersions("2.10.0", "2.9.10")).toBe(1);
    expect(compareVersions("2.10.0", "2.10.0")).toBe(0);
    expect(compareVersions("3.0.0", "2.99.99")).toBe(1);
    expect(compareVersions("2.10", "2.10.0")).toBe(0);
  });

  it("ignores a v prefix and pre-release or build suffixes", () => {
    expect(compareVersions("v2.10.1", "2.10.1")).toBe(0);
    expect(compareVersions("2.11.0-RC.1", "2.10.9")).toBe(1);
    expect(compareVersions("2.10.0+build", "2.10.0")).toBe(0);
  });
});

describe("versionAtLeast", () => {
  it("is false for an unknown version", () => {
    expect(versionAtLeast(undefined, "2.10.0")).toBe(false);
    expect(versionAtLeast("", "2.10.0")).toBe(false);
  });

  it("gates 2.10 features", () => {
    expect(versionAtLeast("2.9.10", "2.10.0")).toBe(false);
    expect(versionAtLeast("2.10.0", "2.10.0")).toBe(true);
    expect(versionAtLeast("2.12.3", "2.10.0")).toBe(true);
  });
});

describe("requireServerVersion", () => {
  it("passes a new enough server and refuses an older one, naming the feature and versions", () => {
    expect(() => requireServerVersion("2.12.1", "atomic batch publish", "2.12.0")).not.toThrow();
    let err: unknown;
    try {
      requireServerVersion("2.9.10", "per-message TTL", "2.11.0");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedFeatureError);
    expect(err).toMatchObject({
      name: "UnsupportedFeatureError",
      code: "UNSUPPORTED",
      retryable: false,
      feature: "per-message TTL",
      requires: "2.11.0",
      serverVersion: "2.9.10",
      message: "per-message TTL needs nats-server 2.11.0 or newer; the server is 2.9.10",
    });
    expect(() => requireServerVersion(undefined, "counters", "2.12.0")).toThrow(
      "counters needs nats-server 2.12.0 or newer; the server is of unknown version",
    );
  });
});
