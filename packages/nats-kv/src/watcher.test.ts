import { describe, expect, it } from "vitest";
import { toClientWatchOptions } from "./watcher.js";

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
});
