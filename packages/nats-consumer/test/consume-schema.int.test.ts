import {
  ConfigError,
  DecodeError,
  isRetryable,
  type StandardSchemaV1,
  ValidationError,
} from "@helix/nats-core";
import { ofKind, until } from "@helix/nats-testing/vitest";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { createConsumerManager, type Msg, validateMsg } from "../src/index.js";
import { expectNoLoss, setup, type TestContext } from "./helpers.js";

/** How many messages were term'ed. */
const terms = (ops: TestContext["ops"]): number =>
  ofKind(ops, "settle").filter((op) => op.action === "term").length;

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-schema");
});
afterAll(() => t.close());

interface Order {
  id: string;
  qty: number;
}

// The same order schema in two libraries; zod also trims the id (a transform: output ≠ input).
const schemas: [string, StandardSchemaV1<unknown, Order>][] = [
  [
    "zod",
    z.object({
      id: z.string().transform((s) => s.trim()),
      qty: z.number().int().positive("qty must be positive"),
    }),
  ],
  [
    "valibot",
    v.object({
      id: v.pipe(v.string(), v.trim()),
      qty: v.pipe(v.number(), v.integer(), v.minValue(1, "qty must be positive")),
    }),
  ],
];

describe.each(schemas)("consume with a %s schema", (vendor, schema) => {
  it("hands the handler typed values; a body that is not JSON or fails the schema is term'ed on its first delivery, never handled", async () => {
    const stream = await t.stream();
    const subject = `${stream}.orders`;
    for (const body of [
      JSON.stringify({ id: " a ", qty: 2 }),
      "qty=1",
      JSON.stringify({ id: "b", qty: -1, card: "4111-1111-1111-1111" }),
      JSON.stringify({ id: "c", qty: 3 }),
    ]) {
      await t.conn.jetstream.publish(subject, body);
    }
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, {
      durable_name: "w",
      ackWaitMs: 1_000,
    });
    const values: Order[] = [];
    const errors: Error[] = [];
    t.ops.length = 0;
    const ctx = c.consume(
      (msg) => {
        expectTypeOf(msg.value).toEqualTypeOf<Order>();
        values.push(msg.value);
      },
      { schema, onError: (err) => errors.push(err) },
    );
    await until(() => values.length + errors.length === 4);
    await ctx.drain();

    expect(values).toEqual([
      { id: "a", qty: 2 },
      { id: "c", qty: 3 },
    ]);
    expect(errors.map((e) => e.name)).toEqual(["DecodeError", "ValidationError"]);
    const [decode, invalid] = errors as [DecodeError, ValidationError];
    expect(decode).toBeInstanceOf(DecodeError);
    expect(isRetryable(decode)).toBe(false);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(isRetryable(invalid)).toBe(false);
    expect(invalid.issues).toEqual([{ message: "qty must be positive", path: ["qty"] }]);
    expect(invalid.message).toBe(
      `message 3 of stream "${stream}" (subject "${subject}"): the value does not match its schema (1 issue):\n  - qty must be positive (at qty)`,
    );
    expect(invalid.message).not.toContain("4111");

    // Settled once each: acks for the good ones, terms with the reason for the refused ones.
    expect(
      ofKind(t.ops, "settle").map((op) => [op.action, op.message.info.streamSequence]),
    ).toEqual([
      ["ack", 1],
      ["term", 2],
      ["term", 3],
      ["ack", 4],
    ]);
    expect(ofKind(t.ops, "settle").map((op) => op.reason)).toEqual([
      undefined,
      `DECODE: msg.json(): message 2 of stream "${stream}" (subject "${subject}") is not JSON (5 bytes)`,
      `VALIDATION: message 3 of stream "${stream}" (subject "${subject}"): the value does not match its schema (1 issue):`,
      undefined,
    ]);
    expect(ofKind(t.ops, "process")).toHaveLength(4);
    // One delivery only: four messages, four deliveries, nothing pending or redelivered.
    const info = await c.info();
    expect({
      delivered: info.delivered.consumer_seq,
      ackFloor: info.ack_floor.stream_seq,
      ackPending: info.num_ack_pending,
      redelivered: info.num_redelivered,
      pending: info.num_pending,
    }).toEqual({ delivered: 4, ackFloor: 4, ackPending: 0, redelivered: 0, pending: 0 });
    expect(vendor).toBe(schema["~standard"].vendor);
    // Four stored: two processed, two refused (term'ed with the reason), none lost.
    await expectNoLoss(t.conn, {
      consumer: c,
      stored: 4,
      processed: values.length,
      terminated: terms(t.ops),
    });
  });
});

describe("the schema option", () => {
  it("an asynchronous schema works the same", async () => {
    const stream = await t.stream();
    await t.conn.jetstream.publish(`${stream}.x`, JSON.stringify({ id: "a", qty: 1 }));
    await t.conn.jetstream.publish(`${stream}.x`, JSON.stringify({ id: "b", qty: 0 }));
    const asyncSchema = z
      .object({ id: z.string(), qty: z.number() })
      .refine(async (o) => o.qty > 0, { message: "qty must be positive", path: ["qty"] });
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "a" });
    const values: unknown[] = [];
    const errors: Error[] = [];
    t.ops.length = 0;
    const ctx = c.consume((msg) => void values.push(msg.value), {
      schema: asyncSchema,
      onError: (err) => errors.push(err),
    });
    await until(() => values.length + errors.length === 2);
    await ctx.drain();
    expect(values).toEqual([{ id: "a", qty: 1 }]);
    expect((errors[0] as ValidationError).issues).toEqual([
      { message: "qty must be positive", path: ["qty"] },
    ]);
    expect(ofKind(t.ops, "settle").map((op) => [op.action, op.consumer])).toEqual([
      ["ack", "a"],
      ["term", "a"],
    ]);
    await expectNoLoss(t.conn, {
      consumer: c,
      stored: 2,
      processed: values.length,
      terminated: terms(t.ops),
    });
  });

  it("with autoAck false, a refused message is still term'ed (nothing else would stop its redelivery)", async () => {
    const stream = await t.stream();
    await t.conn.jetstream.publish(`${stream}.x`, "{");
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "m" });
    const errors: Error[] = [];
    t.ops.length = 0;
    const ctx = c.consume(() => {}, {
      schema: schemas[0]?.[1] as StandardSchemaV1<unknown, Order>,
      autoAck: false,
      onError: (err) => errors.push(err),
    });
    await until(() => errors.length === 1);
    await ctx.drain();
    expect(errors[0]).toBeInstanceOf(DecodeError);
    expect(ofKind(t.ops, "settle").map((op) => op.action)).toEqual(["term"]);
    await expectNoLoss(t.conn, { consumer: c, stored: 1, processed: 0, terminated: terms(t.ops) });
  });

  it("a schema that is not a Standard Schema is a ConfigError before any I/O; without a schema msg has no value", async () => {
    const stream = await t.stream();
    const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "n" });
    t.ops.length = 0;
    let err: unknown;
    try {
      // @ts-expect-error not a Standard Schema
      c.consume(() => {}, { schema: { parse: () => 1 } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).reasons).toEqual([
      {
        message:
          "schema must be a Standard Schema v1 (a zod 3.24+ or 4, valibot 1 or arktype 2 schema: an object with a `~standard` property, version 1)",
        path: ["schema"],
      },
    ]);
    expect(t.ops).toEqual([]);
    const ctx = c.consume((msg) => {
      // @ts-expect-error a Msg without a schema has no value
      void msg.value;
    });
    ctx.stop();
    await ctx.closed;
  });
});

describe("validateMsg", () => {
  it.each(schemas)(
    "types and validates fetched messages with a %s schema, settling nothing",
    async (_vendor, schema) => {
      const stream = await t.stream();
      await t.conn.jetstream.publish(`${stream}.x`, JSON.stringify({ id: " a ", qty: 1 }));
      await t.conn.jetstream.publish(`${stream}.x`, JSON.stringify({ id: "b", qty: 0 }));
      await t.conn.jetstream.publish(`${stream}.x`, "nope");
      const c = await createConsumerManager(t.conn).createOrUpdate(stream, { durable_name: "f" });
      const [good, bad, ugly] = await c.fetch(3, { expiresMs: 1_000 });
      t.ops.length = 0;
      const typed = await validateMsg(good as Msg, schema);
      expectTypeOf(typed.value).toEqualTypeOf<Order>();
      expect(typed.value).toEqual({ id: "a", qty: 1 });
      expect(typed.seq).toBe(1);
      await expect(validateMsg(bad as Msg, schema)).rejects.toMatchObject({
        name: "ValidationError",
        issues: [{ message: "qty must be positive", path: ["qty"] }],
      });
      await expect(validateMsg(ugly as Msg, schema)).rejects.toBeInstanceOf(DecodeError);
      expect(t.ops).toEqual([]);
      await typed.ack();
      await bad?.term();
      await ugly?.term();
      expect(ofKind(t.ops, "settle").map((op) => op.action)).toEqual(["ack", "term", "term"]);
      await expectNoLoss(t.conn, {
        consumer: c,
        stored: 3,
        processed: 1,
        terminated: terms(t.ops),
      });
    },
  );
});
