import type { NatsServer } from "@helix/nats-testing";

interface Jsz {
  account_details?: { stream_detail?: { name: string; state?: { messages: number } }[] }[];
}

/**
 * How many messages a node's own replica of `stream` holds, from its monitoring endpoint
 * (`/jsz?streams=true` reports the local copy, not the leader's). `undefined` when the node does
 * not answer or holds no replica.
 */
export async function replicaMessages(
  node: NatsServer,
  stream: string,
): Promise<number | undefined> {
  if (node.monitorUrl === undefined) return undefined;
  try {
    const response = await fetch(`${node.monitorUrl}/jsz?streams=true`, {
      signal: AbortSignal.timeout(2_000),
    });
    const jsz = (await response.json()) as Jsz;
    for (const account of jsz.account_details ?? []) {
      const detail = account.stream_detail?.find((s) => s.name === stream);
      if (detail?.state) return detail.state.messages;
    }
  } catch {
    // down, paused or starting
  }
  return undefined;
}
