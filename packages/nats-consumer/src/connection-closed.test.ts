import type { Connection } from "@helix/nats-core";
import { describe, expect, it } from "vitest";
import { onConnectionClosed } from "./connection-closed.js";

interface Listener {
  connectionClosedCallback: () => void;
}

/** A connection whose client keeps close listeners as the NATS client does. */
function withRegistry(closed = false) {
  const listeners: Listener[] = [];
  const nats = {
    isClosed: () => closed,
    addCloseListener: (l: Listener) => listeners.push(l),
    removeCloseListener: (l: Listener) => listeners.splice(listeners.indexOf(l), 1),
  };
  return { conn: { nats } as unknown as Connection, listeners };
}

describe("onConnectionClosed", () => {
  it("registers with the client's close listeners and leaves nothing once unregistered", () => {
    const { conn, listeners } = withRegistry();
    let calls = 0;
    const off = onConnectionClosed(conn, () => calls++);
    expect(listeners).toHaveLength(1);
    listeners[0]?.connectionClosedCallback();
    expect(calls).toBe(1);
    off();
    expect(listeners).toEqual([]);
  });

  it("calls back in a microtask when the connection is closed already", async () => {
    const { conn, listeners } = withRegistry(true);
    let calls = 0;
    onConnectionClosed(conn, () => calls++);
    expect(calls).toBe(0);
    await Promise.resolve();
    expect(calls).toBe(1);
    expect(listeners).toEqual([]);
  });

  it("falls back to conn.closed without the registry; unregistering silences it", async () => {
    let close!: () => void;
    const closed = new Promise<undefined>((resolve) => {
      close = () => resolve(undefined);
    });
    const conn = { nats: { isClosed: () => false }, closed } as unknown as Connection;
    const calls: string[] = [];
    onConnectionClosed(conn, () => calls.push("kept"));
    const off = onConnectionClosed(conn, () => calls.push("removed"));
    off();
    close();
    await closed;
    await Promise.resolve();
    expect(calls).toEqual(["kept"]);
  });
});
