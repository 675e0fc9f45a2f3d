import { request } from "node:http";
import { connect as connectTcp } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** The fields of a server's INFO line that readiness checks use. */
export interface ServerInfoLine {
  server_name?: string;
  version: string;
  jetstream?: boolean;
  tls_required?: boolean;
  [key: string]: unknown;
}

/** Options of `pollUntil`. */
export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Called before every attempt: return an error to stop waiting at once (e.g. the process died). */
  abort?: () => Error | undefined;
}

/**
 * Calls `probe` until it returns something other than `undefined`, or the time is up (then throws
 * an Error that quotes the last probe failure).
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: PollOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw aborted;
    try {
      const result = await probe();
      if (result !== undefined) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${reason}`);
    }
    await sleep(options.intervalMs ?? 25);
  }
}

/**
 * Opens a TCP connection to a NATS port and reads the server's INFO line (sent in clear text
 * before any TLS upgrade or auth), then closes it.
 */
export function readInfoLine(
  host: string,
  port: number,
  timeoutMs = 2_000,
): Promise<ServerInfoLine> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host, port });
    let buffer = "";
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no INFO from ${host}:${port}`)));
    socket.on("error", fail);
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      const end = buffer.indexOf("\r\n");
      if (end < 0) return;
      socket.destroy();
      const line = buffer.slice(0, end);
      if (!line.startsWith("INFO ")) {
        reject(new Error(`unexpected greeting from ${host}:${port}: ${line.slice(0, 80)}`));
        return;
      }
      try {
        resolve(JSON.parse(line.slice(5)) as ServerInfoLine);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/** A plain HTTP GET (no keep-alive) returning the status and parsed JSON body. */
export function getJson(
  url: string,
  timeoutMs = 2_000,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: "close" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("error", reject);
      res.on("end", () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/**
 * Asks the monitoring endpoint `/healthz`: true when the server is healthy. With JetStream this
 * means JetStream is up and, in a cluster, that the node knows the meta leader and its streams
 * are current. Rejects (with the server's reason) while it is not.
 */
export async function checkHealthz(monitorUrl: string): Promise<true> {
  const { status, body } = await getJson(`${monitorUrl}/healthz`);
  if (status === 200) return true;
  const reason = (body as { error?: unknown } | undefined)?.error;
  throw new Error(`/healthz answered ${status}${typeof reason === "string" ? `: ${reason}` : ""}`);
}

/** The JetStream meta leader's name as one node sees it (`/jsz`), or `undefined` if none. */
export async function metaLeaderSeenBy(monitorUrl: string): Promise<string | undefined> {
  const { body } = await getJson(`${monitorUrl}/jsz`);
  const leader = (body as { meta_cluster?: { leader?: unknown } } | undefined)?.meta_cluster
    ?.leader;
  return typeof leader === "string" && leader.length > 0 ? leader : undefined;
}

/** How many routes a node has (`/routez`). */
export async function routeCount(monitorUrl: string): Promise<number> {
  const { body } = await getJson(`${monitorUrl}/routez`);
  const count = (body as { num_routes?: unknown } | undefined)?.num_routes;
  return typeof count === "number" ? count : 0;
}
