import { readdir, readFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";

/** The ports a running nats-server reported in its ports file. */
export interface ReportedPorts {
  /** The client (NATS protocol) port. */
  client: number;
  /** The HTTP monitoring port, when monitoring is on. */
  monitoring: number | undefined;
}

function portOf(url: unknown): number | undefined {
  if (typeof url !== "string") return undefined;
  try {
    const port = Number(new URL(url).port);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses the JSON ports file nats-server writes with `--ports_file_dir`, e.g.
 * `{"nats":["nats://127.0.0.1:4222"],"monitoring":["http://127.0.0.1:8222"]}`.
 * Returns `undefined` while the file is incomplete or has no client port.
 */
export function parsePortsFile(text: string): ReportedPorts | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { nats, monitoring } = parsed as { nats?: unknown; monitoring?: unknown };
  const client = Array.isArray(nats) ? portOf(nats[0]) : undefined;
  if (client === undefined) return undefined;
  return { client, monitoring: Array.isArray(monitoring) ? portOf(monitoring[0]) : undefined };
}

/** Whether `fileName` is the ports file of process `pid` (`<executable>_<pid>.ports`). */
export function isPortsFileOf(fileName: string, pid: number): boolean {
  return fileName.endsWith(`_${pid}.ports`);
}

/** Reads the ports file of process `pid` in `dir`, or `undefined` if it is not (fully) there. */
export async function readPortsFile(dir: string, pid: number): Promise<ReportedPorts | undefined> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const name = names.find((candidate) => isPortsFileOf(candidate, pid));
  if (name === undefined) return undefined;
  const text = await readFile(join(dir, name), "utf8").catch(() => "");
  return parsePortsFile(text);
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address !== null && typeof address === "object") resolve(address.port);
      else reject(new Error("could not read the bound port"));
    });
  });
}

/**
 * Finds `count` distinct free TCP ports on `host` by binding port 0 that many times at once,
 * then releasing them. Another process may still take one before it is used: callers spawn
 * right away.
 */
export async function findFreePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(servers.map((server) => listen(server, host)));
  } finally {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            if (server.listening) server.close(() => resolve());
            else resolve();
          }),
      ),
    );
  }
}
