import { ConfigError } from "./errors.js";
import type { MiddlewareStack, Plugin } from "./middleware.js";

/** Why a value is not a valid plugin, or `undefined` when it is one. */
export function pluginProblem(plugin: unknown): string | undefined {
  if (typeof plugin !== "object" || plugin === null) {
    return "plugin must be an object with a name and an install function";
  }
  const { name, install } = plugin as { name?: unknown; install?: unknown };
  if (typeof name !== "string" || name.trim() === "") return "plugin must have a non-empty name";
  if (typeof install !== "function") return `plugin "${name}" has no install function`;
  return undefined;
}

/**
 * Installs plugins into a stack. A plugin whose `install` throws leaves the stack as it was
 * (whatever it had added is removed) and fails with a `ConfigError` naming it.
 */
export function installPlugins(stack: MiddlewareStack, plugins: readonly Plugin[]): void {
  for (const plugin of plugins) {
    const before = new Set(stack.names);
    try {
      plugin.install(stack);
    } catch (err) {
      for (const name of stack.names) if (!before.has(name)) stack.remove(name);
      throw new ConfigError(
        [
          {
            message: `plugin "${plugin.name}" failed to install: ${(err as Error)?.message ?? String(err)}`,
            path: ["plugins"],
          },
        ],
        { subject: "plugin", cause: err },
      );
    }
  }
}
