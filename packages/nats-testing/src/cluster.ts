import { resolveBackend } from "./backend.js";
import { INSTALL_HINT } from "./binary.js";
import { ProcessServer, type ProcessServerSpec } from "./binary-server.js";
import {
  type ClusterState,
  rejoined,
  waitForAgreedMetaLeader,
  waitForRoutes,
} from "./cluster-readiness.js";
import { isNatsTestingError, NatsTestingError } from "./errors.js";
import { findFreePorts } from "./ports.js";
import { randomName } from "./random-name.js";
import type { NatsServer } from "./server-types.js";
import { makeTempDir } from "./temp-dir.js";

/** Default time `startCluster` waits for routes and a meta leader. */
export const DEFAULT_CLUSTER_TIMEOUT_MS = 30_000;

/** Options of `startCluster`. */
export interface StartClusterOptions {
  /** Number of nodes. Default 3. */
  size?: number;
  /** Enable JetStream on every node. Default true. */
  jetstream?: boolean;
  /** Extra `nats-server` flags for every node (flags only, appended last). */
  args?: readonly string[];
  /** `--cluster_name`. Default `helix-<random>`. Nodes are named `n1`…`nN`. */
  name?: string;
  /** Copy every node's log lines to stderr. Default false. */
  debug?: boolean;
  /** How long to wait for the cluster (or a restarted node) to be ready, in ms. Default 30 000. */
  startTimeoutMs?: number;
  /**
   * The nats-server release every node runs, e.g. `"2.15.3"` (see `startServer`'s `version`).
   * Default: `HELIX_NATS_SERVER_VERSION`, else any installed binary.
   */
  version?: string;
}

/** A running N-node cluster on 127.0.0.1. */
export interface NatsCluster {
  /** The cluster name (`--cluster_name`). */
  readonly name: string;
  /** The nodes, `n1`…`nN`; each can be stopped, killed, paused and restarted on its own. */
  readonly nodes: readonly NatsServer[];
  /** Every node's client URL (they stay valid across node restarts). */
  readonly urls: readonly string[];
  /** The client URLs joined by commas (the `NATS_URL` convention); nats.js wants `urls`. */
  readonly url: string;
  /** The node named `name` (e.g. a stream's `cluster.leader`), or `undefined`. */
  node(name: string): NatsServer | undefined;
  /**
   * Waits until every running, unpaused node agrees on a JetStream meta leader that is itself
   * running, and all of them report healthy; resolves with the leader's name. Rejects with
   * `NOT_SUPPORTED` when the cluster runs without JetStream.
   */
  waitForMetaLeader(timeoutMs?: number): Promise<string>;
  /** Stops every node and removes their temp dirs. Idempotent. */
  stop(): Promise<void>;
  /** Same as `stop()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface ClusterSettings {
  bin: string;
  size: number;
  clusterName: string;
  jetstream: boolean;
  timeoutMs: number;
  debug: boolean;
  args: readonly string[] | undefined;
}

function nodeSpec(
  settings: ClusterSettings,
  state: ClusterState,
  index: number,
  routePorts: readonly number[],
): ProcessServerSpec {
  const name = `n${index + 1}`;
  const routePort = routePorts[index]!;
  return {
    bin: settings.bin,
    name,
    tempRoot: makeTempDir(`helix-nats-${name}-`),
    port: -1,
    debug: settings.debug,
    startTimeoutMs: settings.timeoutMs,
    args: {
      jetstream: settings.jetstream,
      cluster: {
        name: settings.clusterName,
        port: routePort,
        routePorts: routePorts.filter((other) => other !== routePort),
      },
      extraArgs: settings.args,
    },
    ready: (context) => rejoined(state, context),
  };
}

/** Whether a start failed because a port picked up front was taken meanwhile. */
function isPortClash(error: unknown): boolean {
  return (
    isNatsTestingError(error) &&
    error.code === "START_FAILED" &&
    /address already in use/i.test(error.logTail ?? "")
  );
}

/** Spawns every node; on any failure stops those that started and rethrows. */
async function launchNodes(settings: ClusterSettings, state: ClusterState): Promise<void> {
  const routePorts = await findFreePorts(settings.size);
  const started = await Promise.allSettled(
    routePorts.map((_, index) => ProcessServer.start(nodeSpec(settings, state, index, routePorts))),
  );
  for (const result of started) if (result.status === "fulfilled") state.nodes.push(result.value);
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    await Promise.all(state.nodes.map((node) => node.stop()));
    state.nodes.length = 0;
    throw failed.reason;
  }
}

/**
 * Starts an N-node cluster (JetStream on by default) on 127.0.0.1 from the `nats-server`
 * binary: route ports are picked up front (nats-server 2.9 needs `--routes` at start), client
 * and monitoring ports are random and kept across node restarts. Resolves once the routes form
 * a full mesh and, with JetStream, a meta leader is elected. Needs the binary: in Docker-only
 * environments it throws a `NOT_SUPPORTED` error.
 */
export async function startCluster(options: StartClusterOptions = {}): Promise<NatsCluster> {
  const size = options.size ?? 3;
  if (!Number.isInteger(size) || size < 1) {
    throw new TypeError(`nats-testing: cluster size must be a positive integer, got ${size}`);
  }
  const backend = await resolveBackend({ version: options.version });
  if (backend.kind !== "binary") {
    throw new NatsTestingError(
      `startCluster needs the nats-server binary; clusters are not supported in container mode. ${INSTALL_HINT}`,
      "NOT_SUPPORTED",
    );
  }
  const settings: ClusterSettings = {
    bin: backend.bin,
    size,
    clusterName: options.name ?? randomName(),
    jetstream: options.jetstream ?? true,
    timeoutMs: options.startTimeoutMs ?? DEFAULT_CLUSTER_TIMEOUT_MS,
    debug: options.debug ?? false,
    args: options.args,
  };
  const state: ClusterState = { nodes: [], formed: false, jetstream: settings.jetstream };
  // A random client or monitoring port can land on a route port picked (and released) before
  // spawning: rare, so one more try with fresh ports is enough.
  await launchNodes(settings, state).catch((error: unknown) => {
    if (isPortClash(error)) return launchNodes(settings, state);
    throw error;
  });

  const stopAll = async () => {
    await Promise.all(state.nodes.map((node) => node.stop()));
  };
  try {
    const { timeoutMs } = settings;
    const deadline = Date.now() + timeoutMs;
    await Promise.all(
      state.nodes.map((node) => waitForRoutes(state, node, { timeoutMs, abort: () => undefined })),
    );
    if (settings.jetstream) {
      await waitForAgreedMetaLeader(state, Math.max(deadline - Date.now(), 1));
    }
    state.formed = true;
  } catch (error) {
    await stopAll();
    throw new NatsTestingError(
      `cluster ${settings.clusterName} did not form: ${
        error instanceof Error ? error.message : String(error)
      }`,
      "START_TIMEOUT",
      { cause: error },
    );
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= stopAll();
    return stopping;
  };
  const urls = state.nodes.map((node) => node.url);
  return {
    name: settings.clusterName,
    nodes: state.nodes,
    urls,
    url: urls.join(","),
    node: (name) => state.nodes.find((node) => node.name === name),
    waitForMetaLeader: (ms = settings.timeoutMs) => waitForAgreedMetaLeader(state, ms),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
