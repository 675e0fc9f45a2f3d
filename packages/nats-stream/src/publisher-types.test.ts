import { describe, expect, it } from "vitest";
import type { Publisher } from "./types.js";

/*
 * Compile-time checks of the publish signatures (`tsc --noEmit` runs over this file): a function
 * is not a payload, and is refused by the type checker; every payload a user sends is taken.
 */

interface OrderCreated {
  id: number;
  lines: { sku: string }[];
}

/** Each call only has to type-check; it is never run. */
function signatures(publisher: Publisher, order: OrderCreated): unknown[] {
  return [
    publisher.publish("orders.created", order),
    publisher.publish("orders.created", { id: 1, lines: [] }),
    publisher.publish("orders.created", "text"),
    publisher.publish("orders.created", new Uint8Array([1])),
    publisher.publish("orders.created", 42),
    publisher.publish("orders.created", null),
    publisher.publish("orders.created"),
    publisher.publish("orders.created", undefined, { msgID: "m" }),
    publisher.publishAsync("orders.created", order, { msgID: "m" }),
    publisher.publishAsync("orders.created", [1, 2, 3]),
    // @ts-expect-error a function is not a payload
    publisher.publish("orders.created", () => order),
    // @ts-expect-error a function is not a payload
    publisher.publishAsync("orders.created", async () => order),
    // @ts-expect-error an async function passed by mistake instead of its result
    publisher.publish("orders.created", signatures),
  ];
}

describe("publish signatures", () => {
  it("are checked at compile time (tsc over this file); the checks are not run", () => {
    expect(typeof signatures).toBe("function");
  });
});
