import { ConfigError, type Connection, ValidationError } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { createDeadLetters } from "./dead-letters.js";
import type { DeadLetters } from "./types.js";

/**
 * A connection that passes `isConnection` and records every other property read: the API must
 * refuse bad arguments without touching it (no I/O).
 */
function recordingConnection(): { conn: Connection; touched: string[] } {
  const touched: string[] = [];
  const brand = Symbol.for("@helix/nats.connection");
  const conn = new Proxy(
    {},
    {
      get(_target, key) {
        if (key === brand) return true;
        touched.push(String(key));
        return undefined;
      },
    },
  ) as unknown as Connection;
  return { conn, touched };
}

/** The ConfigError `call` throws or rejects with, as its message and its reasons' paths. */
async function configError(call: () => unknown): Promise<{ message: string; paths: string[] }> {
  let caught: unknown;
  try {
    await call();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const err = caught as ConfigError;
  return { message: err.message, paths: err.reasons.map((r) => r.path.join(".")) };
}

function deadLetters(): { letters: DeadLetters; touched: string[] } {
  const { conn, touched } = recordingConnection();
  return { letters: createDeadLetters(conn, { stream: "DEAD_LETTERS_ORDERS" }), touched };
}

describe("createDeadLetters: its options", () => {
  it("a valid stream is taken as is, without I/O", () => {
    const { letters, touched } = deadLetters();
    expect(letters.stream).toBe("DEAD_LETTERS_ORDERS");
    expect(touched).toEqual([]);
  });

  it("takes a consume's deadLetter option as it is ({ stream, subject })", () => {
    const { conn, touched } = recordingConnection();
    const deadLetter = { stream: "DLQ", subject: "dlq.orders.billing" };
    expect(createDeadLetters(conn, deadLetter).stream).toBe("DLQ");
    expect(touched).toEqual([]);
  });

  it("one ConfigError with a bad stream name and every unknown key", async () => {
    const { conn } = recordingConnection();
    const err = await configError(() =>
      createDeadLetters(conn, { stream: "A.B", subject: 5, limit: 3 } as never),
    );
    expect(err.paths).toEqual(["stream", "subject", "limit"]);
    expect(err.message).toBe(
      [
        "Invalid createDeadLetters options:",
        String.raw`  - stream name "A.B" must not contain white space, ".", "*", ">", "/" or "\" (at Config > stream)`,
        "  - subject must be a string, got 5 (at Config > subject)",
        '  - unknown createDeadLetters option "limit" (at Config > limit)',
      ].join("\n"),
    );
  });

  it("a missing stream, a missing options object", async () => {
    const { conn } = recordingConnection();
    expect((await configError(() => createDeadLetters(conn, {} as never))).message).toBe(
      'Invalid createDeadLetters options:\n  - stream is required: the dead-letter stream, e.g. "DEAD_LETTERS_ORDERS" (at Config > stream)',
    );
    expect((await configError(() => createDeadLetters(conn, undefined as never))).message).toBe(
      "Invalid createDeadLetters options:\n  - createDeadLetters needs an options object { stream } (at Config)",
    );
  });

  it("a connection that is not one stays a ValidationError", () => {
    expect(() => createDeadLetters({} as never, { stream: "S" })).toThrow(ValidationError);
  });
});

describe("DeadLetters: filters and call options are checked before any I/O", () => {
  it("purge with a typo for originalSubject is refused, not a purge of everything", async () => {
    const { letters, touched } = deadLetters();
    const err = await configError(() => letters.purge({ subject: "orders.new" } as never));
    expect(err.message).toBe(
      'Invalid arguments of DeadLetters.purge:\n  - unknown dead-letter filter key "subject" (did you mean originalSubject?); the keys are consumer, reason, originalStream, originalSubject, errorType, limit (at Config > filter > subject)',
    );
    expect(touched).toEqual([]);
  });

  it("one ConfigError lists every problem of a filter: unknown keys, types, values", async () => {
    const { letters, touched } = deadLetters();
    const err = await configError(() =>
      letters.list({
        stream: "S",
        consumer: 7,
        reason: "expired",
        errorType: null,
        limit: 0,
      } as never),
    );
    expect(err.paths).toEqual([
      "filter.stream",
      "filter.consumer",
      "filter.errorType",
      "filter.reason",
      "filter.limit",
    ]);
    expect(err.message).toBe(
      [
        "Invalid arguments of DeadLetters.list:",
        '  - unknown dead-letter filter key "stream" (did you mean originalStream?); the keys are consumer, reason, originalStream, originalSubject, errorType, limit (at Config > filter > stream)',
        "  - filter.consumer must be a string, got 7 (at Config > filter > consumer)",
        "  - filter.errorType must be a string, got null (at Config > filter > errorType)",
        '  - filter.reason must be "max_deliver" or "permanent", got "expired" (at Config > filter > reason)',
        "  - filter.limit must be a positive integer, got 0 (at Config > filter > limit)",
      ].join("\n"),
    );
    expect(touched).toEqual([]);
  });

  it("replay: keep must be a boolean, the options known, the sequence a positive integer", async () => {
    const { letters, touched } = deadLetters();
    const err = await configError(() =>
      letters.replay(0, { keep: "yes", signal: {}, dryRun: true } as never),
    );
    expect(err.message).toBe(
      [
        "Invalid arguments of DeadLetters.replay:",
        "  - seq must be a positive integer, got 0 (at Config > seq)",
        '  - unknown option "dryRun"; the options are signal, keep (at Config > options > dryRun)',
        "  - options.signal must be an AbortSignal (at Config > options > signal)",
        '  - options.keep must be a boolean, got "yes" (at Config > options > keep)',
      ].join("\n"),
    );
    const byFilter = await configError(() =>
      letters.replay({ originalSubject: 1 } as never, { keep: 1 } as never),
    );
    expect(byFilter.paths).toEqual(["filter.originalSubject", "options.keep"]);
    const neither = await configError(() => letters.replay("5" as never));
    expect(neither.message).toBe(
      'Invalid arguments of DeadLetters.replay:\n  - replay needs a dead letter\'s sequence or a filter, got "5" (at Config > target)',
    );
    expect(touched).toEqual([]);
  });

  it("a filter key given as undefined is refused: it would select every dead letter", async () => {
    const { letters, touched } = deadLetters();
    const err = await configError(() => letters.purge({ consumer: undefined, reason: undefined }));
    expect(err.message).toBe(
      [
        "Invalid arguments of DeadLetters.purge:",
        "  - filter.consumer is undefined: leave it out, or pass no filter to select every dead letter (at Config > filter > consumer)",
        "  - filter.reason is undefined: leave it out, or pass no filter to select every dead letter (at Config > filter > reason)",
      ].join("\n"),
    );
    expect((await configError(() => letters.replay({ originalSubject: undefined }))).paths).toEqual(
      ["filter.originalSubject"],
    );
    expect(touched).toEqual([]);
  });

  it("purge and replay refuse an empty filter or an empty value: each would select too much", async () => {
    const { letters, touched } = deadLetters();
    const empty =
      "an empty filter selects every dead letter: pass no filter to purge them all, or name what to select";
    expect((await configError(() => letters.purge({}))).message).toBe(
      `Invalid arguments of DeadLetters.purge:\n  - ${empty} (at Config > filter)`,
    );
    expect((await configError(() => letters.replay({}))).message).toBe(
      "Invalid arguments of DeadLetters.replay:\n  - an empty filter selects every dead letter: name what to replay, or pass { limit: N } to replay the oldest N (at Config > filter)",
    );
    expect((await configError(() => letters.purge({ reason: "" as never }))).paths).toEqual([
      "filter.reason",
    ]);
    expect((await configError(() => letters.purge({ consumer: "" }))).message).toBe(
      "Invalid arguments of DeadLetters.purge:\n  - filter.consumer is empty (at Config > filter > consumer)",
    );
    expect(touched).toEqual([]);
  });

  it("list and purge take CallOptions only; a filter that is not an object is refused", async () => {
    const { letters, touched } = deadLetters();
    expect((await configError(() => letters.list({}, { keep: true } as never))).paths).toEqual([
      "options.keep",
    ]);
    expect((await configError(() => letters.purge(null as never))).message).toBe(
      "Invalid arguments of DeadLetters.purge:\n  - a dead-letter filter must be an object (at Config > filter)",
    );
    expect((await configError(() => letters.list([] as never, null as never))).paths).toEqual([
      "filter",
      "options",
    ]);
    expect(touched).toEqual([]);
  });

  it("what is valid passes the checks and reaches the connection", async () => {
    const valid: Array<(l: DeadLetters) => Promise<unknown>> = [
      (l) => l.list(),
      (l) =>
        l.list(
          {
            consumer: "billing",
            reason: "permanent",
            originalStream: "ORDERS",
            originalSubject: "orders.new",
            errorType: "DECODE",
            limit: 5,
          },
          { signal: new AbortController().signal },
        ),
      (l) => l.list({}, { signal: undefined }),
      (l) => l.replay(3, { keep: true }),
      (l) => l.replay({ reason: "max_deliver" }, { keep: false, signal: undefined }),
      (l) => l.purge(),
      (l) => l.purge({ reason: "max_deliver", limit: 10 }),
    ];
    for (const call of valid) {
      const { letters, touched } = deadLetters();
      const outcome = await Promise.resolve()
        .then(() => call(letters))
        .then(
          () => "resolved",
          (err: unknown) => err,
        );
      // past the checks, the operation reads the connection (the fake one fails with a TypeError)
      expect(outcome).toBeInstanceOf(TypeError);
      expect(touched[0]).toBe("client");
    }
  });
});
