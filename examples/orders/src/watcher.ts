// The watcher: follows the state bucket live and prints a bounded sample of the changes: the
// first few, and the story of the first orders that failed (failed, then processed on redelivery).
import type { KeyValue } from "@helix/nats-kv";
import type { OrderState } from "./order.js";

/** The first changes printed, whatever they are. */
const FIRST = 3;
/** Failed orders whose changes are all printed. */
const FOLLOWED = 3;

export interface WatchTally {
  changes: number;
  byState: Record<OrderState["state"], number>;
}

export interface StateWatcher {
  /** Stops watching and returns what was seen. */
  stop(): Promise<WatchTally>;
}

export async function watchStates(
  state: KeyValue,
  print: (line: string) => void,
): Promise<StateWatcher> {
  const watcher = await state.watchAll({ updatesOnly: true });
  const tally: WatchTally = { changes: 0, byState: { failed: 0, processed: 0 } };
  const followed = new Set<string>();
  const reading = (async () => {
    for await (const entry of watcher) {
      if (entry.operation !== "PUT") continue;
      const value = entry.json<OrderState>();
      tally.changes++;
      tally.byState[value.state]++;
      if (value.state === "failed" && followed.size < FOLLOWED) followed.add(entry.key);
      if (tally.changes <= FIRST || followed.has(entry.key)) {
        print(
          `  watch  ${entry.key.padEnd(11)} -> ${value.state.padEnd(9)} attempt ${value.attempt}  rev ${entry.revision}`,
        );
      }
    }
  })();
  return {
    async stop() {
      watcher.stop();
      await reading;
      await watcher.closed;
      return tally;
    },
  };
}
