// nats-server 2.11 added message tracing: an account with `msg_trace` traces messages whose
// `traceparent` is sampled. Servers 2.11 to 2.13 then renamed the header to `Xraceparent` before
// storing or delivering the message, which cut the trace a helix consumer continues; 2.14
// stopped (nats-server PR 7755). This checks the pinned current server keeps helix's header.
import { createConsumerManager, type Msg } from "@helix/nats-consumer";
import { connect } from "@helix/nats-core";
import { versionAtLeast } from "@helix/nats-core/internal";
import { createPublisher } from "@helix/nats-stream";
import { startServer } from "@helix/nats-testing";
import { createInbox } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { otel } from "../src/index.js";
import { createSdk, onlySpan, parentOf, sdkOptions, until, useAsyncContext } from "./helpers.js";
import { headerKeys, ids, storedHeaders } from "./messaging-helpers.js";

const version = inject("natsServerVersion");
const tracingServer = versionAtLeast(version, "2.14.0");

describe.skipIf(!tracingServer)(
  `message tracing (needs nats-server 2.14+, this one is ${version})`,
  () => {
    const sdk = createSdk();
    const traceDest = `trace.${createInbox().slice(7)}`;
    let server: Awaited<ReturnType<typeof startServer>>;
    beforeAll(async () => {
      useAsyncContext();
      server = await startServer({
        config: [
          "accounts {",
          "  APP {",
          "    jetstream: enabled",
          '    users: [{ user: "app", password: "app-secret" }]',
          `    msg_trace: { dest: "${traceDest}", sampling: 100 }`,
          "  }",
          "}",
        ].join("\n"),
      });
    });
    afterAll(() => server?.stop());

    it("a sampled helix publish is traced by the server, and its Traceparent reaches the consumer unchanged", async () => {
      const conn = await connect({
        addresses: [server.url],
        auth: { user: "app", pass: "app-secret" },
        name: "otel-msg-trace",
        plugins: [otel(sdkOptions(sdk))],
      });
      try {
        const events: string[] = [];
        const sub = conn.nats.subscribe(traceDest, {
          callback: (_e, m) => {
            events.push(m.string());
          },
        });
        await conn.nats.flush();
        const jsm = await conn.manager();
        await jsm.streams.add({ name: "TRACED", subjects: ["traced.>"] });

        const ack = await createPublisher(conn).publish("traced.order", { id: 1 });
        const send = onlySpan(sdk, "send traced.order");
        const sent = ids(send);
        const traceparent = `00-${sent.traceId}-${sent.spanId}-01`;

        const stored = await storedHeaders(conn, "TRACED", ack.seq);
        expect(headerKeys(stored).filter((k) => /raceparent$/i.test(k))).toEqual(["Traceparent"]);
        expect(stored.get("Traceparent")).toBe(traceparent);

        const consumer = await createConsumerManager(conn).createOrUpdate("TRACED", {
          durable_name: "w",
        });
        const seen: string[] = [];
        const run = consumer.consume((msg: Msg) => {
          seen.push(msg.headers?.get("Traceparent") ?? "");
          run.stop();
        });
        await run.closed;
        expect(seen).toEqual([traceparent]);
        expect(parentOf(onlySpan(sdk, "process traced.order"))?.spanId).toBe(sent.spanId);

        // The server did trace the message: one event, its ingress and the stream it stored into.
        await until(() => events.length >= 1);
        const [event] = events.map((e) => JSON.parse(e));
        expect(events.length).toBe(1);
        expect(event.request.header.Traceparent).toEqual([traceparent]);
        expect(event.events.map((e: { type: string }) => e.type)).toEqual(["in", "js"]);
        expect(event.events[1]).toMatchObject({ stream: "TRACED", subject: "traced.order" });
        sub.unsubscribe();
        await jsm.streams.delete("TRACED");
      } finally {
        await conn.close();
      }
    });
  },
);
