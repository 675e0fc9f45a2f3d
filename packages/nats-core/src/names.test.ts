import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors.js";
import {
  assertBucketName,
  assertConsumerName,
  assertKey,
  assertStreamName,
  assertSubject,
} from "./names.js";

function problem(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as Error).message;
  }
}

describe("assertSubject", () => {
  it.each(["orders", "orders.created", "a.b.c.d", "_INBOX.x", "$JS.API.INFO", "ü.ß"])(
    "accepts %s to publish",
    (s) => {
      expect(problem(() => assertSubject(s))).toBeUndefined();
    },
  );

  it.each([
    ["", /non-empty/],
    ["a..b", /empty token/],
    [".a", /empty token/],
    ["a.", /empty token/],
    ["a b", /white space/],
    ["a\tb", /white space/],
    ["orders.*", /wildcards/],
    ["orders.>", /wildcards/],
  ])("rejects %j to publish", (s, message) => {
    expect(problem(() => assertSubject(s))).toMatch(message);
  });

  it("allows whole-token wildcards in filters, with > last", () => {
    expect(problem(() => assertSubject("orders.*.created", "filter"))).toBeUndefined();
    expect(problem(() => assertSubject("orders.>", "filter"))).toBeUndefined();
    expect(problem(() => assertSubject(">", "filter"))).toBeUndefined();
    expect(problem(() => assertSubject("orders.>.x", "filter"))).toMatch(/last token/);
    expect(problem(() => assertSubject("orders.a*", "filter"))).toMatch(/whole tokens/);
    expect(problem(() => assertSubject("*>.a", "filter"))).toMatch(/whole tokens/);
    expect(problem(() => assertSubject(">.a", "filter"))).toMatch(/last token/);
    expect(problem(() => assertSubject("*.*.>", "filter"))).toBeUndefined();
    expect(problem(() => assertSubject("a.*.", "filter"))).toMatch(/empty token/);
    expect(problem(() => assertSubject("a.b>"))).toMatch(/whole tokens/);
  });

  it("rejects non-strings", () => {
    expect(problem(() => assertSubject(42))).toMatch(/non-empty string/);
  });
});

describe("stream and consumer names", () => {
  it.each(["ORDERS", "orders-v2", "orders_2026"])("accepts %s", (n) => {
    expect(problem(() => assertStreamName(n))).toBeUndefined();
    expect(problem(() => assertConsumerName(n))).toBeUndefined();
  });

  const forbidden = 'must not contain white space, ".", "*", ">", "/" or "\\"';
  it.each([
    ["", "name must be a non-empty string"],
    ["a.b", `name "a.b" ${forbidden}`],
    ["a b", `name "a b" ${forbidden}`],
    ["a*", `name "a*" ${forbidden}`],
    ["a>", `name "a>" ${forbidden}`],
    ["a/b", `name "a/b" ${forbidden}`],
    ["a\\b", `name "a\\b" ${forbidden}`],
    ["a\u0001b", `name "a\u0001b" ${forbidden}`],
    ["x".repeat(256), "name is 256 bytes long in UTF-8; the server's limit is 255"],
  ])("rejects %j, saying why, with the field", (n, reason) => {
    for (const [what, assert] of [
      ["stream", assertStreamName],
      ["consumer", assertConsumerName],
    ] as const) {
      let err: unknown;
      try {
        assert(n);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ field: what, message: `${what} ${reason}`, value: n });
    }
  });

  it("counts the length in UTF-8 bytes, as the server does", () => {
    expect(problem(() => assertStreamName("x".repeat(255)))).toBeUndefined();
    expect(problem(() => assertStreamName("ж".repeat(127)))).toBeUndefined();
    expect(problem(() => assertStreamName("ж".repeat(128)))).toBe(
      "stream name is 256 bytes long in UTF-8; the server's limit is 255",
    );
    expect(problem(() => assertConsumerName("🙂".repeat(64)))).toBe(
      "consumer name is 256 bytes long in UTF-8; the server's limit is 255",
    );
  });
});

describe("bucket names and keys", () => {
  it("accepts valid buckets and rejects dots or spaces", () => {
    expect(problem(() => assertBucketName("config_v2-prod"))).toBeUndefined();
    expect(problem(() => assertBucketName("a.b"))).toMatch(/letters, digits/);
    expect(problem(() => assertBucketName("a b"))).toMatch(/letters, digits/);
    expect(problem(() => assertBucketName(""))).toMatch(/non-empty/);
  });

  it.each(["a", "a.b", "user/42", "k=v", "A-Z_0.9"])("accepts key %s", (k) => {
    expect(problem(() => assertKey(k))).toBeUndefined();
  });

  it.each([
    ["", /non-empty/],
    [".a", /start or end/],
    ["a.", /start or end/],
    ["a b", /may only contain/],
    ["a*", /may only contain/],
    ["a..b", /empty token/],
    ["ключ", /may only contain/],
  ])("rejects key %j", (k, message) => {
    expect(problem(() => assertKey(k))).toMatch(message);
  });

  it("allows wildcards in key filters", () => {
    expect(problem(() => assertKey("users.*", "filter"))).toBeUndefined();
    expect(problem(() => assertKey("users.>", "filter"))).toBeUndefined();
    expect(problem(() => assertKey("users.>.x", "filter"))).toMatch(/last token/);
  });
});
