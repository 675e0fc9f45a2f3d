/**
 * Gathers a publisher's `publishAsync` sends until the next macrotask, then lets them all go in
 * one synchronous run, in the order they joined.
 *
 * Why: the NATS client flushes its outbound buffer in a microtask queued by the first write. A
 * caller that awaits each `publishAsync` yields to that microtask after every message, so each
 * message would be its own socket write (and the server would read them one at a time). Sends
 * that wait for the same turn are handed to the client back to back, before its flush runs, and
 * leave in one write.
 *
 * A turn is one `setImmediate` and one promise shared by every send that joins it.
 */
export class SendBatch {
  #turn: Promise<void> | undefined;

  /** The turn to wait for before sending: the pending one, else a new one at the next macrotask. */
  join(): Promise<void> {
    if (this.#turn === undefined) {
      this.#turn = new Promise((resolve) => {
        setImmediate(() => {
          this.#turn = undefined;
          resolve();
        });
      });
    }
    return this.#turn;
  }

  /**
   * The pending turn, if sends are waiting for one. A send that must not overtake them (a
   * `publish` right after some `publishAsync`) waits for it too.
   */
  get pending(): Promise<void> | undefined {
    return this.#turn;
  }
}
