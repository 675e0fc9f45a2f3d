/**
 * The per-process set of live test servers, so a crashed or forgetful test run does not leave
 * nats-server processes and temp dirs behind. It hangs on `globalThis` under a `Symbol.for` key
 * so the ESM and CJS builds (or two copies of the package) share one set and one exit hook.
 */

/** Something the exit hook must tear down synchronously. */
export interface TrackedResource {
  /** Kills whatever process is still running (SIGKILL) and removes temp files, synchronously. */
  killSync(): void;
}

const REGISTRY_KEY = Symbol.for("@helix/nats-testing.servers");
const HOOK_KEY = Symbol.for("@helix/nats-testing.exit-hook");

type GlobalWithRegistry = typeof globalThis & {
  [REGISTRY_KEY]?: Set<TrackedResource>;
  [HOOK_KEY]?: true;
};

function killAll(registry: Set<TrackedResource>): void {
  for (const resource of registry) {
    try {
      resource.killSync();
    } catch {
      // Best effort: the process is exiting anyway.
    }
  }
  registry.clear();
}

/** The process-wide registry, created (with its `exit` hook) on first use. */
export function liveServers(): Set<TrackedResource> {
  const global = globalThis as GlobalWithRegistry;
  let registry = global[REGISTRY_KEY];
  if (registry === undefined) {
    registry = new Set();
    global[REGISTRY_KEY] = registry;
  }
  if (global[HOOK_KEY] !== true) {
    global[HOOK_KEY] = true;
    const set = registry;
    process.on("exit", () => killAll(set));
  }
  return registry;
}

/** Registers `resource` for teardown at process exit; returns the function that unregisters it. */
export function track(resource: TrackedResource): () => void {
  const registry = liveServers();
  registry.add(resource);
  return () => {
    registry.delete(resource);
  };
}
