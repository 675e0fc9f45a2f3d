import {
  ConfigError,
  type Operation,
  type StandardSchemaV1,
  ValidationError,
} from "@helix/nats-core";
import { recordOperations, uniqueName } from "@helix/nats-testing/vitest";
import * as v from "valibot";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { createPublisher } from "../src/index.js";
import { connectForFile, withStream } from "./helpers.js";

const conn = connectForFile("stream-int-schema");

interface OrderIn {
  id: string;
  qty: number;
}

// The same order schema in two libraries; the id is trimmed (output ≠ input): the input is sent.
const schemas: [string, StandardSchemaV1<OrderIn, OrderIn>][] = [
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

/** What `promise` rejected with (a test failure when it resolved). */
async function rejection(promise: Promise<unknown>): Promise<ValidationError> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (err: unknown) => err as ValidationError,
  );
}

describe.each(schemas)("publish with a %s schema", (_vendor, schema) => {
  it("sends valid data as given; refuses invalid data with a ValidationError listing the issues, before any I/O", async () => {
    await withStream(conn(), "SCH", async (stream, name) => {
      const publisher = createPublisher(conn());
      const subject = `${name}.orders`;
      const ops = recordOperations<Operation>(conn(), uniqueName("record"));
      const ack = await publisher.publish(subject, { id: " a ", qty: 1 }, { schema });
      expect(ack.seq).toBe(1);
      const refused = await rejection(
        // @ts-expect-error id must be a string, qty a number (typed by the schema's input)
        publisher.publish(subject, { id: 7, qty: "two" }, { schema }),
      );
      const refusedAsync = await rejection(
        publisher.publishAsync(subject, { id: "b", qty: 0 }, { schema }),
      );
      const future = await publisher.publishAsync(subject, { id: "c", qty: 2 }, { schema });
      expect((await future.ack).seq).toBe(2);

      expect(refused).toBeInstanceOf(ValidationError);
      expect(refused).toMatchObject({ code: "VALIDATION", field: "data", retryable: false });
      expect(refused.issues.map((i) => i.path)).toEqual([["id"], ["qty"]]);
      expect(refused.message.split("\n")[0]).toBe(
        `publish to "${subject}": the value does not match its schema (2 issues):`,
      );
      expect(refusedAsync).toBeInstanceOf(ValidationError);
      expect(refusedAsync.issues).toEqual([{ message: "qty must be positive", path: ["qty"] }]);
      // Only the valid messages reached the stack (and the stream), sent as given.
      expect(ops.filter((op) => op.kind === "publish")).toHaveLength(2);
      expect((await stream.info()).state.messages).toBe(2);
      const stored = await stream.getMsg(1);
      expect(JSON.parse(new TextDecoder().decode(stored?.data))).toEqual({ id: " a ", qty: 1 });
    });
  });

  it("typed(subject, schema) publishes typed data to one subject", async () => {
    await withStream(conn(), "TYP", async (stream, name) => {
      const orders = createPublisher(conn()).typed(`${name}.orders`, schema);
      expect(orders.subject).toBe(`${name}.orders`);
      expectTypeOf(orders.publish).parameter(0).toEqualTypeOf<OrderIn>();
      await orders.publish({ id: "x", qty: 3 });
      await (await orders.publishAsync({ id: "y", qty: 4 })).ack;
      await expect(orders.publish({ id: "z", qty: -4 })).rejects.toMatchObject({
        name: "ValidationError",
        issues: [{ message: "qty must be positive", path: ["qty"] }],
      });
      expect((await stream.info()).state.messages).toBe(2);
    });
  });
});

describe("schema option errors", () => {
  it("a schema that is not a Standard Schema is a ConfigError; typed() checks the subject at once", async () => {
    const publisher = createPublisher(conn());
    const ops = recordOperations<Operation>(conn(), uniqueName("record"));
    const err = await publisher
      // @ts-expect-error not a Standard Schema
      .publish("x.y", {}, { schema: { parse: () => 1 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).reasons.map((r) => r.path)).toEqual([["schema"]]);
    expect(() => publisher.typed("bad subject", schemas[0]?.[1] as StandardSchemaV1)).toThrow(
      ValidationError,
    );
    // @ts-expect-error a schema is needed
    expect(() => publisher.typed("x.y", { nope: true })).toThrow(ConfigError);
    expect(ops).toEqual([]);
  });
});
