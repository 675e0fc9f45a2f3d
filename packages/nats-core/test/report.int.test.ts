import { describe, expect, inject, it } from "vitest";
import { type ConnectionEvent, connect, TimeoutError } from "../src/index.js";

describe("conn.report", () => {
  it("hands an error nobody could receive to onEvent and through the middleware stack", async () => {
    const events: ConnectionEvent[] = [];
    const seen: string[] = [];
    const conn = await connect({
      addresses: [inject("natsUrl")],
      name: "core-int-report",
      onEvent: (event) => events.push(event),
    });
    conn.middleware.add(
      (op, next) => {
        if (op.kind === "connection.event") seen.push(op.event.type);
        return next();
      },
      { name: "watch" },
    );
    const error = new TimeoutError("publishAsync: no ack for order 7");
    conn.report(error);
    await conn.close();
    const reported = events.filter((e) => e.type === "error");
    expect(reported).toEqual([{ type: "error", error }]);
    expect(seen.filter((type) => type === "error")).toEqual(["error"]);
  });
});
