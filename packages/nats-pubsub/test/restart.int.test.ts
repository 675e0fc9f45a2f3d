import { startServer } from "@helix/nats-testing";
import { until } from "@helix/nats-testing/vitest";
import { describe, expect, it } from "vitest";
import { setup } from "./helpers.js";

// Core NATS subscriptions live on the connection: after a server restart the client subscribes
// again, and the helix subscription keeps handing messages to its handler.

describe("across a server restart", () => {
  it("a subscription and a reply handler keep working once the connection is back", async () => {
    const server = await startServer({ jetstream: false });
    const sub = await setup("pubsub-int-restart-sub", server.url);
    const pub = await setup("pubsub-int-restart-pub", server.url);
    try {
      const subject = sub.subject("events");
      const service = sub.subject("svc");
      const got: string[] = [];
      const subscription = sub.ps.subscribe(subject, (m) => void got.push(m.string()));
      const replier = sub.ps.reply(service, (m) => `pong ${m.string()}`);
      await sub.ps.flush();
      await pub.ps.publish(subject, "before");
      await until(() => got.length === 1);
      expect((await pub.ps.request(service, "1")).string()).toBe("pong 1");

      await server.restart();
      await until(async () => (await sub.conn.status()).connection === "connected", 15_000);
      await until(async () => (await pub.conn.status()).connection === "connected", 15_000);
      // The subscriber's SUBs are resent on reconnect; a round trip makes sure they arrived.
      await sub.ps.flush();

      await pub.ps.publish(subject, "after");
      await until(() => got.length === 2);
      expect(got).toEqual(["before", "after"]);
      expect((await pub.ps.request(service, "2")).string()).toBe("pong 2");
      expect(sub.ops("core.process").map((op) => op.message.subject)).toEqual([
        subject,
        service,
        subject,
        service,
      ]);
      await subscription.drain();
      await replier.drain();
    } finally {
      await sub.close();
      await pub.close();
      await server.stop();
    }
  });
});
