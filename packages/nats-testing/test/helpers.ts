import { readFileSync } from "node:fs";
import { jetstream, jetstreamManager, StorageType } from "@nats-io/jetstream";
import { connect, type NatsConnection, type NodeConnectionOptions } from "@nats-io/transport-node";

/** Connects once, without reconnecting, failing fast: for "is the server there" checks. */
export function connectOnce(options: NodeConnectionOptions): Promise<NatsConnection> {
  return connect({ reconnect: false, timeout: 2_000, ...options });
}

/** Connects, runs `fn`, and always closes the connection. */
export async function withConnection<T>(
  options: NodeConnectionOptions,
  fn: (nc: NatsConnection) => Promise<T>,
): Promise<T> {
  const nc = await connectOnce(options);
  try {
    return await fn(nc);
  } finally {
    await nc.close();
  }
}

/** Creates a file-storage stream `name` on `subject` and publishes `count` messages to it. */
export async function fillStream(nc: NatsConnection, name: string, subject: string, count: number) {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name, subjects: [subject], storage: StorageType.File });
  const js = jetstream(nc);
  for (let i = 0; i < count; i++) await js.publish(subject, `m${i}`);
}

/** The number of messages stream `name` holds. */
export async function streamMessages(nc: NatsConnection, name: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  return (await jsm.streams.info(name)).state.messages;
}

/**
 * Whether a process with this pid is alive. A zombie counts as dead: a killed server whose
 * parent already exited waits for pid 1 to reap it, which some container inits never do.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}
