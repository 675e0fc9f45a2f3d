import { describe, expect, it } from "vitest";
import { resolveBackend } from "./backend.js";
import { isNatsTestingError } from "./errors.js";

describe("resolveBackend", () => {
  it("uses the binary when one is found, without asking Docker", async () => {
    let asked = false;
    const backend = await resolveBackend({
      findBinary: () => "/usr/sbin/nats-server",
      dockerAvailable: async () => {
        asked = true;
        return true;
      },
    });
    expect(backend).toEqual({ kind: "binary", bin: "/usr/sbin/nats-server" });
    expect(asked).toBe(false);
  });

  it("falls back to containers when Docker answers", async () => {
    const backend = await resolveBackend({
      findBinary: () => undefined,
      dockerAvailable: async () => true,
    });
    expect(backend).toEqual({ kind: "container" });
  });

  it("fails with the install command when neither is there", async () => {
    const error = await resolveBackend({
      findBinary: () => undefined,
      dockerAvailable: async () => false,
    }).catch((e: unknown) => e);
    expect(isNatsTestingError(error)).toBe(true);
    expect((error as { code: string }).code).toBe("SERVER_NOT_FOUND");
    expect((error as Error).message).toMatch(/apt-get install -y nats-server/);
    expect((error as Error).message).toMatch(/NATS_SERVER_BIN/);
    expect((error as Error).message).toMatch(/nats-server\/releases/);
  });
});
