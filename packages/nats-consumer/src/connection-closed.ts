import type { Connection } from "@helix/nats-core";

/** The client's close listener registry (on its connection class, not on its public type). */
interface CloseListeners {
  addCloseListener(listener: { connectionClosedCallback: () => void }): void;
  removeCloseListener(listener: { connectionClosedCallback: () => void }): void;
}

/**
 * Calls `callback` once when the connection closes (at once, in a microtask, if it is closed
 * already). Returns a function that unregisters it, so that a consume that ended leaves nothing
 * behind on a long-lived connection.
 *
 * TODO(core): a `Connection.onClose(hook): () => void` (like `onDrain`) would replace this. Until
 * then it uses the registry the client's own consumers use (`addCloseListener`, which the
 * `NatsConnection` type does not declare), and falls back to `conn.closed`, whose reaction cannot
 * be removed (a few bytes per ended consume).
 */
export function onConnectionClosed(conn: Connection, callback: () => void): () => void {
  if (conn.nats.isClosed()) {
    queueMicrotask(callback);
    return noop;
  }
  const registry = conn.nats as unknown as Partial<CloseListeners>;
  if (
    typeof registry.addCloseListener === "function" &&
    typeof registry.removeCloseListener === "function"
  ) {
    const listener = { connectionClosedCallback: callback };
    registry.addCloseListener(listener);
    return () => registry.removeCloseListener?.(listener);
  }
  let live = true;
  conn.closed.then(
    () => {
      if (live) callback();
    },
    () => {},
  );
  return () => {
    live = false;
  };
}

function noop(): void {}
