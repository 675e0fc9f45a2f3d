import { createServer } from "node:net";

/** A TCP port free on 127.0.0.1 right now (for a server's monitoring endpoint). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Number of client connections the server reports on its monitoring endpoint. */
export async function connectionCount(monitorUrl: string | undefined): Promise<number> {
  if (monitorUrl === undefined) throw new Error("this server has no monitoring endpoint");
  const res = await fetch(`${monitorUrl}/connz`);
  const body = (await res.json()) as { num_connections: number };
  return body.num_connections;
}
