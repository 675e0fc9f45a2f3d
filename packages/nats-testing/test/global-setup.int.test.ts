import { describe, expect, inject, it } from "vitest";
import { withConnection } from "./helpers.js";

describe("global setup", () => {
  it("provides the URL of a running JetStream server", async () => {
    const url = inject("natsUrl");
    expect(url).toMatch(/^nats:\/\//);
    await withConnection({ servers: url }, async (nc) => {
      expect(nc.info?.jetstream).toBe(true);
    });
  });
});
