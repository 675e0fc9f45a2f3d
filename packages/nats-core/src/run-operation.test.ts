import { describe, expect, it } from "vitest";
import type { Connection } from "./connection.js";
import { CancelledError, HelixError, NotFoundError, TimeoutError } from "./errors.js";
import { type Middleware, MiddlewareStack } from "./middleware.js";
import type { Operation, StreamOperation } from "./operations.js";
import { runOperation } from "./run-operation.js";

const client = { name: "t", serverAddress: "127.0.0.1", serverPort: 4222 } as Operation["client"];

interface FakeServer {
  closed?: boolean;
  draining?: boolean;
  jetstream?: boolean;
}

/** A connection as the runner sees it: a stack, and the client's state and INFO. */
function stackWith(...middlewares: Middleware[]): Connection {
  return stackOn({}, ...middlewares);
}

function stackOn(server: FakeServer, ...middlewares: Middleware[]): Connection {
  const stack = new MiddlewareStack();
  middlewares.forEach((m, i) => {
    stack.add(m, { name: `m${i}` });
  });
  const fake = {
    server: undefined,
    middleware: stack,
    run: (op: Operation, terminal: () => Promise<unknown>) => stack.run(op, terminal),
    jetstreamOptions: {},
    nats: {
      isClosed: () => server.closed === true,
      isDraining: () => server.draining === true,
      info: { server_name: "n1", server_id: "ID", jetstream: server.jetstream ?? true },
    },
  };
  return fake as unknown as Connection;
}

function streamOp(): StreamOperation {
  return { kind: "stream.get", client, stream: "ORDERS" };
}

describe("runOperation", () => {
  it("runs the call inside the stack with the operation it may fill in", async () => {
    const seen: string[] = [];
    const conn = stackWith(async (op, next) => {
      seen.push(`before ${op.kind}`);
      const out = await next();
      seen.push(`after ${(op as StreamOperation & { seq?: number }).seq}`);
      return out;
    });
    const op = streamOp();
    const result = await runOperation(conn, op, async (o: StreamOperation & { seq?: number }) => {
      o.seq = 7;
      return "done";
    });
    expect(result).toBe("done");
    expect(seen).toEqual(["before stream.get", "after 7"]);
  });

  it("an already aborted signal fails inside the stack: the middleware sees the CancelledError", async () => {
    const seen: unknown[] = [];
    const conn = stackWith(async (_op, next) => {
      try {
        return await next();
      } catch (err) {
        seen.push(err);
        throw err;
      }
    });
    let called = false;
    const err = await runOperation(
      conn,
      streamOp(),
      async () => {
        called = true;
      },
      { signal: AbortSignal.abort() },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as Error).message).toBe("stream.get: cancelled");
    expect(seen).toEqual([err]);
    expect(called).toBe(false);
  });

  it("an abort while the call runs rejects at once with CancelledError", async () => {
    const controller = new AbortController();
    const pending = runOperation(stackWith(), streamOp(), () => new Promise(() => {}), {
      signal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "CANCELLED" });
  });

  it("abortable: false keeps the check before the call and lets the call end itself; name names it", async () => {
    const controller = new AbortController();
    const pending = runOperation(
      stackWith(),
      streamOp(),
      () =>
        new Promise<string>((resolve) => {
          controller.signal.addEventListener("abort", () => resolve("what arrived"));
        }),
      { signal: controller.signal, abortable: false, name: "fetch" },
    );
    controller.abort();
    await expect(pending).resolves.toBe("what arrived");
    const err = await runOperation(stackWith(), streamOp(), async () => "sent", {
      signal: AbortSignal.abort(),
      abortable: false,
      name: "fetch",
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "CANCELLED", message: "fetch: cancelled" });
  });

  it("maps a client error inside the stack, so middlewares see the typed error", async () => {
    const seen: unknown[] = [];
    const conn = stackWith(async (_op, next) =>
      next().catch((err: unknown) => {
        seen.push(err);
        throw err;
      }),
    );
    const clientError = Object.assign(new Error("timeout"), { name: "TimeoutError" });
    const err = await runOperation(conn, streamOp(), () => Promise.reject(clientError)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe("stream.get: timed out waiting for the server");
    expect((err as HelixError).cause).toBe(clientError);
    expect(seen).toEqual([err]);
  });

  it("uses the caller's mapping, which may be async, and maps what a middleware throws", async () => {
    const mapError = async (err: unknown, op: StreamOperation) =>
      new NotFoundError("stream", op.stream, { cause: err });
    const fromCall = await runOperation(
      stackWith(),
      streamOp(),
      () => Promise.reject(new Error("x")),
      {
        mapError,
      },
    ).catch((e: unknown) => e);
    expect(fromCall).toMatchObject({ code: "NOT_FOUND", what: "stream", resource: "ORDERS" });

    const boom = new Error("boom");
    const conn = stackWith(() => {
      throw boom;
    });
    const fromMiddleware = await runOperation(conn, streamOp(), async () => 1).catch(
      (e: unknown) => e,
    );
    expect(fromMiddleware).toBeInstanceOf(HelixError);
    expect(fromMiddleware).toMatchObject({
      code: "NATS",
      message: "stream.get: boom",
      cause: boom,
    });

    const typed = new TimeoutError("mine");
    const passed = await runOperation(
      stackWith(() => Promise.reject(typed)),
      streamOp(),
      async () => 1,
    ).catch((e: unknown) => e);
    expect(passed).toBe(typed);
  });

  it("refuses, inside the stack and before the call, a closed or draining connection and a server without JetStream", async () => {
    const cases: [FakeServer, Record<string, unknown>][] = [
      [
        { closed: true },
        {
          name: "ConnectionError",
          code: "CONNECTION_CLOSED",
          message: "stream.get: the connection is closed",
        },
      ],
      [
        { draining: true },
        {
          name: "ConnectionError",
          code: "CONNECTION_DRAINING",
          message:
            "stream.get: the connection is draining, so nothing new is sent (it would be applied but never answered)",
        },
      ],
      [
        { jetstream: false },
        {
          name: "JetStreamUnavailableError",
          code: "JETSTREAM_UNAVAILABLE",
          retryable: false,
          message:
            'stream.get: JetStream is not enabled on the server "n1"; start it with -js or a jetstream {} block',
        },
      ],
    ];
    for (const [server, expected] of cases) {
      const seen: unknown[] = [];
      let called = false;
      const conn = stackOn(server, (_op, next) =>
        next().catch((err: unknown) => {
          seen.push(err);
          throw err;
        }),
      );
      const err = await runOperation(conn, streamOp(), async () => {
        called = true;
      }).catch((e: unknown) => e);
      expect(err).toMatchObject(expected);
      expect(seen).toEqual([err]);
      expect(called).toBe(false);
    }
    // Core NATS calls do not need JetStream.
    const plain = await runOperation(stackOn({ jetstream: false }), streamOp(), async () => "ok", {
      jetstream: false,
    });
    expect(plain).toBe("ok");
  });
});
