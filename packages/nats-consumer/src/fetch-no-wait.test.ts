import { jetStreamApiPrefix } from "@helix/nats-core/internal";
import { describe, expect, it } from "vitest";

describe("the API prefix fetchNoWait sends its pull request to", () => {
  it("follows the client's rules for domain and prefix", () => {
    expect(jetStreamApiPrefix({})).toBe("$JS.API");
    expect(jetStreamApiPrefix({ domain: "hub" })).toBe("$JS.hub.API");
    expect(jetStreamApiPrefix({ apiPrefix: "acct.API." })).toBe("acct.API");
  });
});
