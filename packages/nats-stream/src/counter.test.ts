import { DecodeError, UnsupportedFeatureError, ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { context, fakeConnection, operation } from "../test/unit-fakes.js";
import {
  decodeCounterMessage,
  incrementValue,
  parseCounterTotal,
  requireCounters,
} from "./counter.js";
import { sendWithRetries } from "./publish-send.js";
import { assertStreamFeatures } from "./stream-features.js";

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe("counters", () => {
  it("sends a safe integer or a bigint as a decimal; refuses anything else with a ValidationError", () => {
    expect(incrementValue(5)).toBe("5");
    expect(incrementValue(-2)).toBe("-2");
    expect(incrementValue(0)).toBe("0");
    expect(incrementValue(10n)).toBe("10");
    expect(incrementValue(-(2n ** 70n))).toBe("-1180591620717411303424");
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, "5", null, undefined]) {
      const err = thrown(() => incrementValue(bad));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({
        field: "increment",
        message: `increment must be a safe integer (a number) or a bigint, got ${typeof bad === "string" ? JSON.stringify(bad) : String(bad)}`,
      });
    }
  });

  it("refuses counters and allow_msg_counter before 2.12 with UnsupportedFeatureError", () => {
    expect(() => requireCounters("2.12.0")).not.toThrow();
    expect(() => requireCounters("2.11.9")).toThrow(
      new UnsupportedFeatureError("message counters", "2.12.0", "2.11.9"),
    );
    expect(() => assertStreamFeatures({ allow_msg_counter: true }, "2.15.3")).not.toThrow();
    expect(() => assertStreamFeatures({ allow_msg_counter: false }, "2.9.10")).not.toThrow();
    const err = thrown(() => assertStreamFeatures({ allow_msg_counter: true }, "2.9.10"));
    expect(err).toBeInstanceOf(UnsupportedFeatureError);
    expect(err).toMatchObject({
      message: "message counters needs nats-server 2.12.0 or newer; the server is 2.9.10",
    });
    expect(thrown(() => assertStreamFeatures({ allow_msg_counter: 1 }, "2.15.3"))).toMatchObject({
      name: "ValidationError",
      field: "allow_msg_counter",
      message: "allow_msg_counter must be a boolean",
    });
  });

  it("reads a total as a bigint from the ack's val or a stored {val} message; anything else is a DecodeError", () => {
    expect(parseCounterTotal("13", { subject: "c" })).toBe(13n);
    expect(parseCounterTotal("-3", { subject: "c" })).toBe(-3n);
    expect(parseCounterTotal("123456789012345678901234567890", { subject: "c" })).toBe(
      123456789012345678901234567890n,
    );
    const err = thrown(() => parseCounterTotal(undefined, { subject: "c", stream: "S", seq: 4 }));
    expect(err).toBeInstanceOf(DecodeError);
    expect(err).toMatchObject({
      subject: "c",
      stream: "S",
      seq: 4,
      message: 'c: not a counter value (expected a decimal integer in "val", got undefined)',
    });
    const stored = (body: string) => ({
      subject: "c",
      seq: 2,
      data: new TextEncoder().encode(body),
      headers: undefined,
      time: new Date(0),
    });
    expect(decodeCounterMessage(stored('{"val":"42"}'), "S")).toBe(42n);
    for (const [body, got] of [
      ["hello", "undefined"],
      ['{"val":4}', "4"],
      ['{"val":"4.5"}', '"4.5"'],
    ]) {
      expect(thrown(() => decodeCounterMessage(stored(body as string), "S"))).toMatchObject({
        name: "DecodeError",
        stream: "S",
        seq: 2,
        message: `c: not a counter value (expected a decimal integer in "val", got ${got})`,
      });
    }
  });

  it("puts the ack's val on an increment's operation as counterTotal, and not on an ordinary publish", async () => {
    const { conn } = fakeConnection([]);
    (conn.jetstream as unknown as { publish: unknown }).publish = async () => ({
      stream: "S",
      seq: 3,
      duplicate: false,
      val: "13",
    });
    const incr = { ...operation(), increment: "10" };
    expect(await sendWithRetries(incr, context(conn))).toEqual({
      stream: "S",
      seq: 3,
      duplicate: false,
    });
    expect(incr.counterTotal).toBe("13");
    const plain = operation();
    await sendWithRetries(plain, context(conn));
    expect(plain.counterTotal).toBeUndefined();
  });
});
