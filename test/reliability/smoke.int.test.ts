import { connect } from "@helix/nats-core";
import { expect, inject, it } from "vitest";

it("the root integration project reaches the shared server", async () => {
  await using conn = await connect({ addresses: [inject("natsUrl")] });
  expect((await conn.status()).code).toBe(200);
});
