import type { Connection, HealthStatus } from "@helix/nats-core";

/** One change of `status().code`, and when it was seen (`performance.now()`). */
export interface StatusChange {
  code: HealthStatus["code"];
  connection: HealthStatus["connection"];
  at: number;
}

/**
 * Polls `conn.status()` back to back (`status()` never throws; its JetStream probe is bounded)
 * and keeps the changes of its code, starting with the first answer.
 */
export function watchStatus(conn: Connection, intervalMs = 50) {
  const changes: StatusChange[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const status = await conn.status();
      if (changes.at(-1)?.code !== status.code) {
        changes.push({ code: status.code, connection: status.connection, at: performance.now() });
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    changes,
    /** The codes in order of change, e.g. `[200, 503, 200]`. */
    codes: (): number[] => changes.map((change) => change.code),
    async stop(): Promise<void> {
      running = false;
      await loop;
    },
  };
}
