import { UnsupportedFeatureError, ValidationError } from "@helix/nats-core";
import { assertTtlMs, ttlHeaderValue } from "@helix/nats-core/internal";
import { describe, expect, it } from "vitest";
import { publishOperation } from "./operation.js";
import { prepareMessage } from "./publish-message.js";
import { assertStreamFeatures } from "./stream-features.js";

const modern = { maxPayload: 1024, generateMsgID: false, serverVersion: "2.11.0" };
const client = { name: "c", serverAddress: undefined, serverPort: undefined };

describe("per-message TTL", () => {
  it("takes whole seconds in ms (at least 1000) and never; refuses the rest with one ValidationError", () => {
    for (const ok of [1000, 5000, 86_400_000, "never"]) expect(() => assertTtlMs(ok)).not.toThrow();
    for (const bad of [0, 999, 1500, -1000, 1.5, Number.NaN, "5s", "NEVER", null]) {
      let err: unknown;
      try {
        assertTtlMs(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).message).toBe(
        `ttlMs must be a whole number of seconds in milliseconds, at least 1000 (the server counts a message TTL in seconds), or "never", got ${typeof bad === "string" ? JSON.stringify(bad) : String(bad)}`,
      );
    }
  });

  it("sends ttlMs as the Nats-TTL header in seconds, and carries it on the publish operation", () => {
    expect(ttlHeaderValue(1000)).toBe("1s");
    expect(ttlHeaderValue(90_000)).toBe("90s");
    expect(ttlHeaderValue("never")).toBe("never");
    const m = prepareMessage("a.b", "x", { ttlMs: 3000 }, modern);
    expect(m.headers.get("Nats-TTL")).toBe("3s");
    expect(m.ttlMs).toBe(3000);
    expect(publishOperation(client, m, undefined, false).ttlMs).toBe(3000);
    // a caller's header of another casing is replaced, not doubled
    const n = prepareMessage("a.b", "x", { ttlMs: "never", headers: { "nats-ttl": "9s" } }, modern);
    expect([...n.headers].filter(([k]) => k.toLowerCase() === "nats-ttl")).toEqual([
      ["Nats-TTL", ["never"]],
    ]);
    const none = prepareMessage("a.b", "x", {}, modern);
    expect(none.headers.has("Nats-TTL")).toBe(false);
    expect(publishOperation(client, none, undefined, true).ttlMs).toBeUndefined();
  });

  it("refuses ttlMs on a server before 2.11 with UnsupportedFeatureError", () => {
    for (const serverVersion of ["2.10.29", "2.9.10"]) {
      let err: unknown;
      try {
        prepareMessage("a.b", "x", { ttlMs: 1000 }, { ...modern, serverVersion });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UnsupportedFeatureError);
      expect(err).toMatchObject({
        feature: "per-message TTL",
        requires: "2.11.0",
        serverVersion,
      });
    }
    // no version: only a closed client reports none, and the stack refuses it as closed
    expect(
      prepareMessage("a.b", "x", { ttlMs: 1000 }, { ...modern, serverVersion: undefined }).ttlMs,
    ).toBe(1000);
    // without ttlMs, an old server publishes as before
    expect(prepareMessage("a.b", "x", {}, { ...modern, serverVersion: "2.9.10" }).ttlMs).toBe(
      undefined,
    );
  });

  it("checks a stream's allow_msg_ttl: a boolean, and true only from 2.11", () => {
    expect(() => assertStreamFeatures({ allow_msg_ttl: true }, "2.11.0")).not.toThrow();
    expect(() => assertStreamFeatures({ allow_msg_ttl: false }, "2.9.10")).not.toThrow();
    expect(() => assertStreamFeatures({}, "2.9.10")).not.toThrow();
    expect(() => assertStreamFeatures({ allow_msg_ttl: true }, "2.10.0")).toThrow(
      new UnsupportedFeatureError("per-message TTL", "2.11.0", "2.10.0"),
    );
    let err: unknown;
    try {
      assertStreamFeatures({ allow_msg_ttl: "yes" }, "2.11.0");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({
      field: "allow_msg_ttl",
      message: "allow_msg_ttl must be a boolean",
    });
  });
});
