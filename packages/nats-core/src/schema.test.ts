import { describe, expect, expectTypeOf, it } from "vitest";
import { isRetryable, ValidationError } from "./errors.js";
import {
  type InferOutput,
  isStandardSchema,
  type StandardSchemaV1,
  type StandardSchemaV1Result,
  validateWithSchema,
} from "./schema.js";

/** A hand-made Standard Schema (core depends on no schema library): a positive integer `qty`. */
function orderSchema(async = false): StandardSchemaV1<unknown, { qty: number }> {
  const check = (value: unknown): StandardSchemaV1Result<{ qty: number }> => {
    const qty = (value as { qty?: unknown } | null)?.qty;
    if (typeof qty === "number" && Number.isInteger(qty) && qty > 0) return { value: { qty } };
    return {
      issues: [
        { message: "qty must be a positive integer", path: [{ key: "qty" }] },
        { message: "secret must not be here", path: ["items", 0, Symbol.for("s")] },
      ],
    };
  };
  return {
    "~standard": {
      version: 1,
      vendor: "test",
      validate: async ? (value) => Promise.resolve(check(value)) : check,
    },
  };
}

const target = { field: "data", description: 'publish to "orders.new"' };

describe("validateWithSchema", () => {
  it("returns the output synchronously for a synchronous schema", () => {
    const out = validateWithSchema(orderSchema(), { qty: 2 }, target);
    expect(out).toEqual({ qty: 2 });
    expectTypeOf<InferOutput<ReturnType<typeof orderSchema>>>().toEqualTypeOf<{ qty: number }>();
  });

  it("throws a ValidationError listing every issue with its path, without the value", () => {
    let error: unknown;
    try {
      validateWithSchema(orderSchema(), { qty: -1, password: "hunter2" }, target);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect(v.code).toBe("VALIDATION");
    expect(v.field).toBe("data");
    expect(isRetryable(v)).toBe(false);
    expect(v.issues).toEqual([
      { message: "qty must be a positive integer", path: ["qty"] },
      { message: "secret must not be here", path: ["items", 0, "Symbol(s)"] },
    ]);
    expect(v.message).toBe(
      'publish to "orders.new": the value does not match its schema (2 issues):\n' +
        "  - qty must be a positive integer (at qty)\n" +
        "  - secret must not be here (at items > [0] > Symbol(s))",
    );
    expect(v.message).not.toContain("hunter2");
    expect(v.value).toBeUndefined();
  });

  it("resolves and rejects for an asynchronous schema", async () => {
    await expect(validateWithSchema(orderSchema(true), { qty: 3 }, target)).resolves.toEqual({
      qty: 3,
    });
    await expect(validateWithSchema(orderSchema(true), {}, target)).rejects.toMatchObject({
      name: "ValidationError",
      issues: [
        { message: "qty must be a positive integer", path: ["qty"] },
        { message: "secret must not be here", path: ["items", 0, "Symbol(s)"] },
      ],
    });
  });

  it("lists five issues in the message and keeps all of them", () => {
    const many: StandardSchemaV1 = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: () => ({
          issues: Array.from({ length: 7 }, (_, i) => ({ message: `bad ${i}`, path: [i] })),
        }),
      },
    };
    const err = (() => {
      try {
        validateWithSchema(many, 1, target);
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(err?.issues).toHaveLength(7);
    expect(err?.message.split("\n")).toEqual([
      'publish to "orders.new": the value does not match its schema (7 issues):',
      "  - bad 0 (at [0])",
      "  - bad 1 (at [1])",
      "  - bad 2 (at [2])",
      "  - bad 3 (at [3])",
      "  - bad 4 (at [4])",
      "  - … and 2 more (see issues)",
    ]);
  });

  it("turns a schema that throws into a ValidationError with the cause", () => {
    const boom = new Error("boom");
    const throwing: StandardSchemaV1 = {
      "~standard": {
        version: 1,
        vendor: "acme",
        validate: () => {
          throw boom;
        },
      },
    };
    expect(() => validateWithSchema(throwing, 1, target)).toThrow(
      expect.objectContaining({
        name: "ValidationError",
        cause: boom,
        message: 'publish to "orders.new": the acme schema threw instead of returning issues',
      }),
    );
  });
});

describe("isStandardSchema", () => {
  it("recognises version 1 schemas only", () => {
    expect(isStandardSchema(orderSchema())).toBe(true);
    expect(isStandardSchema({ "~standard": { version: 2, validate: () => ({}) } })).toBe(false);
    expect(isStandardSchema({ "~standard": { version: 1 } })).toBe(false);
    expect(isStandardSchema(null)).toBe(false);
    expect(isStandardSchema("zod")).toBe(false);
  });
});
