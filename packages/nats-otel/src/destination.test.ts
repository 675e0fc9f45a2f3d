import { describe, expect, it } from "vitest";
import { defaultDestination, guardDestination } from "./destination.js";

describe("defaultDestination", () => {
  it("collapses reply inboxes and keeps other subjects", () => {
    expect(defaultDestination("_INBOX.abc123.7")).toBe("_INBOX");
    expect(defaultDestination("orders.created")).toBe("orders.created");
    expect(defaultDestination("_INBOXES.x")).toBe("_INBOXES.x");
  });
});

describe("guardDestination", () => {
  it("without a namer, is the default", () => {
    expect(guardDestination(undefined)).toBe(defaultDestination);
  });

  it("uses the namer's answer", () => {
    const name = guardDestination((s) => s.replace(/\.\d+$/, ".*"));
    expect(name("orders.42")).toBe("orders.*");
  });

  it("falls back to the default when the namer throws or returns nothing usable", () => {
    const throwing = guardDestination(() => {
      throw new Error("boom");
    });
    expect(throwing("_INBOX.x")).toBe("_INBOX");
    expect(throwing("a.b")).toBe("a.b");
    expect(guardDestination(() => "")("a.b")).toBe("a.b");
    expect(guardDestination(() => 7 as unknown as string)("a.b")).toBe("a.b");
  });
});
