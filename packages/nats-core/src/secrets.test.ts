import { describe, expect, it } from "vitest";
import { scrubError, secretScrubber } from "./secrets.js";

describe("secret scrubbing", () => {
  const scrub = secretScrubber(["hunter2", "", "hunter2-long"]);

  it("replaces every secret, longest first", () => {
    expect(scrub("pass hunter2-long and hunter2")).toBe("pass *** and ***");
    expect(secretScrubber([])("hunter2")).toBe("hunter2");
  });

  it("returns the same error when it holds no secret", () => {
    const err = new Error("fine");
    expect(scrubError(err, scrub)).toBe(err);
  });

  it("copies an error whose message or causes hold a secret", () => {
    const inner = Object.assign(new Error("auth hunter2 refused"), { code: "EAUTH" });
    const outer = new Error("failed", { cause: inner });
    const clean = scrubError(outer, scrub);
    expect(clean).not.toBe(outer);
    expect(clean.message).toBe("failed");
    const cause = clean.cause as Error & { code?: string };
    expect(cause.message).toBe("auth *** refused");
    expect(cause.code).toBe("EAUTH");
    expect(`${clean.stack}${cause.stack}`).not.toContain("hunter2");
  });
});
