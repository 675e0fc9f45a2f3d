import { ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { toClientWatchOptions } from "./watch-options.js";

describe("toClientWatchOptions", () => {
  it("maps the options to the client's, leaving ignoreDeletes to the watcher", () => {
    expect(toClientWatchOptions(">", {})).toEqual({ key: ">", headers_only: false, include: "" });
    expect(toClientWatchOptions("a.*", { includeHistory: true, ignoreDeletes: true })).toEqual({
      key: "a.*",
      headers_only: false,
      include: "history",
    });
    expect(toClientWatchOptions("a", { updatesOnly: true, metaOnly: true })).toEqual({
      key: "a",
      headers_only: true,
      include: "updates",
    });
    expect(toClientWatchOptions("a", { resumeFromRevision: 9 })).toMatchObject({
      resumeFromRevision: 9,
    });
  });

  it("rejects contradictory or malformed options", () => {
    const bad = [
      { includeHistory: true, updatesOnly: true },
      { updatesOnly: true, resumeFromRevision: 2 },
      { resumeFromRevision: 0 },
      { ignoreDeletes: "yes" as unknown as boolean },
    ];
    for (const options of bad) {
      expect(() => toClientWatchOptions(">", options)).toThrow(ValidationError);
    }
  });
});
