import { ConfigError } from "@helix/nats-core";
import { ofKind, until } from "@helix/nats-testing/vitest";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDeadLetters, defaultDeadLetterStream } from "../src/index.js";
import { expectNoLoss, setup, type TestContext } from "./helpers.js";

const version = inject("natsServerVersion");

let t: TestContext;
const extraStreams: string[] = [];
beforeAll(async () => {
  t = await setup("consumer-int-dead-letters-api");
});
afterAll(async () => {
  const jsm = await t.conn.manager();
  for (const s of extraStreams) await jsm.streams.delete(s).catch(() => {});
  await t.close();
});

async function streamCount(name: string): Promise<number> {
  const jsm = await t.conn.manager();
  return (await jsm.streams.info(name)).state.messages;
}

describe(`the dead-letter API refuses bad arguments (nats-server ${version})`, () => {
  it("purge({ subject }) (a typo for originalSubject) is a ConfigError before any I/O: every dead letter is still there", async () => {
    const stream = await t.stream();
    const dlq = defaultDeadLetterStream(stream);
    extraStreams.push(dlq);
    const c = await t.durable(stream);
    const js = t.conn.jetstream;
    await js.publish(`${stream}.a`, "poison-a");
    await js.publish(`${stream}.b`, "poison-b");
    await js.publish(`${stream}.b`, "poison-c");
    await js.publish(`${stream}.a`, JSON.stringify({ ok: true }));
    t.ops.length = 0;
    const processed = new Set<number>();
    const ctx = c.consume(
      (msg) => {
        msg.json();
        processed.add(msg.info.streamSequence);
      },
      { deadLetter: true, onError: () => {} },
    );
    await until(() => ofKind(t.ops, "settle").length === 4, 10_000, "every message settled");
    await ctx.drain();
    const deadLettered = ofKind(t.ops, "deadletter").length;
    await expectNoLoss(t.conn, {
      consumer: c,
      stored: 4,
      processed: processed.size,
      deadLettered,
      deadLetterStream: dlq,
    });

    const letters = createDeadLetters(t.conn, { stream: dlq });
    t.ops.length = 0;
    let caught: unknown;
    try {
      await letters.purge({ subject: `${stream}.b` } as never);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).reasons.map((r) => r.path)).toEqual([["filter", "subject"]]);
    await expect(
      letters.replay({ originalSubject: `${stream}.b` }, { kep: true } as never),
    ).rejects.toBeInstanceOf(ConfigError);
    expect(t.ops).toEqual([]);
    expect(await streamCount(dlq)).toBe(3);

    // The intended filter deletes only its own.
    expect(await letters.purge({ originalSubject: `${stream}.b` })).toBe(2);
    expect(await streamCount(dlq)).toBe(1);
  });
});
