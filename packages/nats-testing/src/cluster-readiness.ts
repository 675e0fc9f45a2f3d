import type { ProcessServer, ReadyContext } from "./binary-server.js";
import { NatsTestingError } from "./errors.js";
import { checkHealthz, metaLeaderSeenBy, pollUntil, routeCount } from "./readiness.js";

/** What the cluster readiness checks look at (owned by one `startCluster` call). */
export interface ClusterState {
  nodes: ProcessServer[];
  formed: boolean;
  jetstream: boolean;
}

/** Whether a node takes part right now: its process runs and is not paused. */
function active(node: ProcessServer): boolean {
  return node.running && !node.paused;
}

/** Waits until `node` has a route to every active peer. */
export async function waitForRoutes(
  state: ClusterState,
  node: ProcessServer,
  context: Pick<ReadyContext, "timeoutMs" | "abort">,
): Promise<void> {
  const peers = state.nodes.filter((other) => other !== node && active(other)).length;
  await pollUntil(
    `routes of ${node.name}`,
    async () => ((await routeCount(node.monitorUrl)) >= peers ? true : undefined),
    context,
  );
}

/** Waits until every active node agrees on an active, healthy meta leader; returns its name. */
export async function waitForAgreedMetaLeader(
  state: ClusterState,
  timeoutMs: number,
): Promise<string> {
  if (!state.jetstream) {
    throw new NatsTestingError(
      "waitForMetaLeader: the cluster runs without JetStream",
      "NOT_SUPPORTED",
    );
  }
  return pollUntil(
    "a JetStream meta leader",
    async () => {
      const running = state.nodes.filter(active);
      const names = new Set(running.map((node) => node.name));
      const seen = await Promise.all(running.map((node) => metaLeaderSeenBy(node.monitorUrl)));
      const leader = seen[0];
      if (leader === undefined || !names.has(leader) || seen.some((name) => name !== leader)) {
        return undefined;
      }
      await Promise.all(running.map((node) => checkHealthz(node.monitorUrl)));
      return leader;
    },
    { timeoutMs, intervalMs: 50 },
  );
}

/** Readiness of a restarted node: routes to every active peer, then healthy if a quorum is active. */
export async function rejoined(state: ClusterState, context: ReadyContext): Promise<void> {
  if (!state.formed) return;
  const node = state.nodes.find((candidate) => candidate === context.server);
  if (!node) return;
  await waitForRoutes(state, node, context);
  const running = state.nodes.filter(active).length;
  if (state.jetstream && running > state.nodes.length / 2) {
    await pollUntil(`/healthz of ${node.name}`, () => checkHealthz(node.monitorUrl), context);
  }
}
