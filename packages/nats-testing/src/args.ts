import type { TlsServerOptions } from "./server-types.js";

/** The routing part of a cluster node's command line. */
export interface ClusterArgsSpec {
  /** `--cluster_name`, shared by every node. */
  name: string;
  /** This node's route (cluster) port. */
  port: number;
  /** The route ports of every other node. */
  routePorts: readonly number[];
}

/** Everything `buildServerArgs` turns into a nats-server command line. */
export interface ServerArgsSpec {
  host: string;
  /** Client port, `-1` for a random one (read back from the ports file). */
  port: number;
  /** Monitoring port, `-1` for a random one. */
  monitorPort: number;
  portsFileDir: string;
  serverName: string;
  jetstream: boolean;
  storeDir: string;
  user?: string | undefined;
  pass?: string | undefined;
  token?: string | undefined;
  tls?: TlsServerOptions | undefined;
  cluster?: ClusterArgsSpec | undefined;
  extraArgs?: readonly string[] | undefined;
}

/** Throws a `TypeError` for auth options that nats-server would reject or misread. */
export function validateAuth(spec: Pick<ServerArgsSpec, "user" | "pass" | "token">): void {
  const hasUser = spec.user !== undefined || spec.pass !== undefined;
  if (hasUser && (!spec.user || !spec.pass)) {
    throw new TypeError("nats-testing: `user` and `pass` must be set together and not be empty");
  }
  if (hasUser && spec.token !== undefined) {
    throw new TypeError("nats-testing: `token` cannot be combined with `user`/`pass`");
  }
  if (spec.token !== undefined && spec.token.length === 0) {
    throw new TypeError("nats-testing: `token` must not be empty");
  }
}

/** Builds the nats-server command line (flags only) for one server or cluster node. */
export function buildServerArgs(spec: ServerArgsSpec): string[] {
  validateAuth(spec);
  const args = [
    "-a",
    spec.host,
    "-p",
    String(spec.port),
    "-m",
    String(spec.monitorPort),
    "--ports_file_dir",
    spec.portsFileDir,
    "--server_name",
    spec.serverName,
  ];
  if (spec.jetstream) args.push("-js", "--store_dir", spec.storeDir);
  if (spec.user !== undefined && spec.pass !== undefined) {
    args.push("--user", spec.user, "--pass", spec.pass);
  }
  if (spec.token !== undefined) args.push("--auth", spec.token);
  if (spec.tls) {
    args.push(spec.tls.verify ? "--tlsverify" : "--tls");
    args.push("--tlscert", spec.tls.certFile, "--tlskey", spec.tls.keyFile);
    if (spec.tls.caFile) args.push("--tlscacert", spec.tls.caFile);
  }
  if (spec.cluster) {
    const { name, port, routePorts } = spec.cluster;
    args.push("--cluster_name", name, "--cluster", `nats://${spec.host}:${port}`);
    if (routePorts.length > 0) {
      args.push("--routes", routePorts.map((p) => `nats://${spec.host}:${p}`).join(","));
    }
  }
  args.push(...(spec.extraArgs ?? []));
  return args;
}
