import { basename, extname } from "node:path";

/**
 * The connection name when none is configured, as the Go original chooses it: the pod's
 * `HOSTNAME` on Kubernetes, `NOMAD_JOB_NAME` on Nomad, `RENDER_SERVICE_ID` on Render, else the
 * base name of the running script (`orders-api` for `node dist/orders-api.js`).
 */
export function detectServiceName(
  env: Record<string, string | undefined> = process.env,
  argv: readonly string[] = process.argv,
): string {
  if (env.KUBERNETES_SERVICE_HOST && env.HOSTNAME) return env.HOSTNAME;
  if (env.NOMAD_JOB_NAME) return env.NOMAD_JOB_NAME;
  if (env.RENDER_SERVICE_ID) return env.RENDER_SERVICE_ID;
  const script = argv[1];
  if (script) {
    const name = basename(script, extname(script));
    if (name !== "" && name !== "index") return name;
    const parent = basename(script.slice(0, -basename(script).length - 1));
    if (parent !== "") return parent;
  }
  return basename(argv[0] ?? "node", extname(argv[0] ?? "")) || "node";
}
