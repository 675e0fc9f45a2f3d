import { describe, expect, it } from "vitest";
import { createLogBuffer, describeExit } from "./child-process.js";

describe("createLogBuffer", () => {
  it("keeps everything while short", () => {
    const log = createLogBuffer(5);
    for (const line of ["a", "b", "c"]) log.push(line);
    expect(log.text()).toBe("a\nb\nc");
  });

  it("keeps the first 10 and the last N lines, marking the gap", () => {
    const log = createLogBuffer(3);
    for (let i = 1; i <= 20; i++) log.push(`l${i}`);
    const lines = log.text().split("\n");
    expect(lines.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `l${i + 1}`));
    expect(lines[10]).toBe("… 7 lines omitted …");
    expect(lines.slice(11)).toEqual(["l18", "l19", "l20"]);
  });
});

describe("describeExit", () => {
  it("names the signal or the exit code", () => {
    expect(describeExit({ code: null, signal: "SIGKILL" })).toBe("signal SIGKILL");
    expect(describeExit({ code: 1, signal: null })).toBe("exit code 1");
  });
});
