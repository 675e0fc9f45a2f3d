import { describe, expect, it } from "vitest";
import { requestedVersion, resolveBackend } from "./backend.js";
import { isNatsTestingError } from "./errors.js";

describe("resolveBackend without a version", () => {
  it("uses the binary when one is found, without asking Docker", async () => {
    let asked = false;
    const backend = await resolveBackend(
      {},
      {
        env: {},
        findBinary: () => "/usr/sbin/nats-server",
        dockerAvailable: async () => {
          asked = true;
          return true;
        },
      },
    );
    expect(backend).toEqual({ kind: "binary", bin: "/usr/sbin/nats-server" });
    expect(asked).toBe(false);
  });

  it("falls back to containers when Docker answers", async () => {
    const backend = await resolveBackend(
      {},
      { env: {}, findBinary: () => undefined, dockerAvailable: async () => true },
    );
    expect(backend).toEqual({ kind: "container" });
  });

  it("fails with the install command when neither is there", async () => {
    const error = await resolveBackend(
      {},
      { env: {}, findBinary: () => undefined, dockerAvailable: async () => false },
    ).catch((e: unknown) => e);
    expect(isNatsTestingError(error)).toBe(true);
    expect((error as { code: string }).code).toBe("SERVER_NOT_FOUND");
    expect((error as Error).message).toMatch(/apt-get install -y nats-server/);
    expect((error as Error).message).toMatch(/NATS_SERVER_BIN/);
    expect((error as Error).message).toMatch(/nats-server\/releases/);
  });
});

describe("resolveBackend with a version", () => {
  const never = async (): Promise<string> => {
    throw new Error("must not build");
  };

  it("takes an installed binary of that version without building", async () => {
    const backend = await resolveBackend(
      { version: "v2.9.10" },
      {
        env: {},
        availability: async (version) => {
          expect(version).toBe("2.9.10");
          return { kind: "installed", bin: "/usr/sbin/nats-server" };
        },
        build: never,
      },
    );
    expect(backend).toEqual({ kind: "binary", bin: "/usr/sbin/nats-server" });
  });

  it("builds one with Go when it is not installed", async () => {
    const built: string[] = [];
    const backend = await resolveBackend(
      {},
      {
        env: { HELIX_NATS_SERVER_VERSION: "2.15.3" },
        availability: async () => ({ kind: "buildable", go: "/usr/bin/go", target: "/c/nats" }),
        build: async (version) => {
          built.push(version);
          return "/c/nats";
        },
      },
    );
    expect(backend).toEqual({ kind: "binary", bin: "/c/nats" });
    expect(built).toEqual(["2.15.3"]);
  });

  it("uses that version's image with Docker, else fails with the reason", async () => {
    const unavailable = async () => ({ kind: "unavailable" as const, reason: "no Go here" });
    await expect(
      resolveBackend(
        { version: "2.15.3" },
        { env: {}, availability: unavailable, build: never, dockerAvailable: async () => true },
      ),
    ).resolves.toEqual({ kind: "container", image: "nats:2.15.3-alpine" });
    const error = await resolveBackend(
      { version: "2.15.3" },
      { env: {}, availability: unavailable, build: never, dockerAvailable: async () => false },
    ).catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe("SERVER_NOT_FOUND");
    expect((error as Error).message).toBe("no Go here, and Docker is not running.");
  });
});

describe("requestedVersion", () => {
  it("prefers the option over the environment, and normalises", () => {
    expect(requestedVersion("v2.12.1", { HELIX_NATS_SERVER_VERSION: "2.15.3" })).toBe("2.12.1");
    expect(requestedVersion(undefined, { HELIX_NATS_SERVER_VERSION: "v2.15.3" })).toBe("2.15.3");
    expect(requestedVersion(undefined, { HELIX_NATS_SERVER_VERSION: "" })).toBeUndefined();
    expect(requestedVersion(undefined, {})).toBeUndefined();
  });
});
