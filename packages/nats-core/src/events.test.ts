import type { Status } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { toConnectionEvent } from "./events.js";
import { secretScrubber } from "./secrets.js";

const scrub = secretScrubber(["hunter2"]);

describe("toConnectionEvent", () => {
  it("maps the client's statuses, stripping credentials from servers", () => {
    expect(
      toConnectionEvent({ type: "disconnect", server: "nats://u:hunter2@h:4222" }, scrub),
    ).toEqual({
      type: "disconnect",
      server: "nats://h:4222",
    });
    expect(toConnectionEvent({ type: "reconnect", server: "h:4222" }, scrub)).toEqual({
      type: "reconnect",
      server: "h:4222",
    });
    expect(toConnectionEvent({ type: "reconnecting" }, scrub)).toEqual({ type: "reconnecting" });
    expect(toConnectionEvent({ type: "ldm", server: "h:1" }, scrub)).toEqual({
      type: "lame-duck",
      server: "h:1",
    });
    expect(toConnectionEvent({ type: "update", added: ["a:1"] }, scrub)).toEqual({
      type: "servers-changed",
      added: ["a:1"],
      deleted: [],
    });
    expect(toConnectionEvent({ type: "staleConnection" }, scrub)).toEqual({
      type: "stale-connection",
    });
    expect(toConnectionEvent({ type: "close" }, scrub)).toEqual({ type: "close" });
  });

  it("scrubs secrets from error events", () => {
    const event = toConnectionEvent(
      { type: "error", error: new Error("bad password hunter2") },
      scrub,
    );
    expect(event?.type === "error" && event.error.message).toBe("bad password ***");
  });

  it("drops statuses not worth reporting", () => {
    expect(toConnectionEvent({ type: "ping", pendingPings: 1 } as Status, scrub)).toBeNull();
    expect(toConnectionEvent({ type: "forceReconnect" } as Status, scrub)).toBeNull();
  });
});
