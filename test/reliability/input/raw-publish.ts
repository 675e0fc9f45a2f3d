import { connect as dial, type Socket } from "node:net";

/** One message written as raw protocol: the header block exactly as given (CRLFs included). */
export interface RawMessage {
  subject: string;
  /** The whole header block, e.g. `"NATS/1.0\r\nA: b\r\n\r\n"`; no `HPUB` when undefined. */
  headers?: string | Uint8Array;
  payload: string | Uint8Array;
}

const bytes = (v: string | Uint8Array): Buffer =>
  typeof v === "string" ? Buffer.from(v) : Buffer.from(v);

/**
 * Publishes messages over a plain TCP socket, writing `HPUB`/`PUB` lines by hand, so that header
 * blocks the NATS client would never produce reach the server (and a stream) as they are.
 * Resolves once the server answered the final `PING`, so every message has been processed;
 * rejects with the server's `-ERR` line if it sends one.
 */
export async function rawPublish(url: string, messages: readonly RawMessage[]): Promise<void> {
  const { hostname, port } = new URL(url);
  const socket: Socket = dial({ host: hostname, port: Number(port) });
  socket.setNoDelay(true);
  try {
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      let sent = false;
      socket.on("error", reject);
      socket.on("data", (chunk) => {
        seen += chunk.toString("latin1");
        const err = /-ERR[^\r\n]*/.exec(seen);
        if (err) return reject(new Error(`server refused raw publish: ${err[0]}`));
        if (!sent && seen.includes("\r\n") && seen.startsWith("INFO ")) {
          sent = true;
          socket.write(frames(messages));
        }
        if (sent && seen.includes("PONG\r\n")) resolve();
      });
    });
  } finally {
    socket.destroy();
  }
}

function frames(messages: readonly RawMessage[]): Buffer {
  const connect = { verbose: false, pedantic: false, headers: true, protocol: 1, lang: "raw" };
  const parts: Buffer[] = [Buffer.from(`CONNECT ${JSON.stringify(connect)}\r\n`)];
  for (const m of messages) {
    const payload = bytes(m.payload);
    if (m.headers === undefined) {
      parts.push(Buffer.from(`PUB ${m.subject} ${payload.length}\r\n`), payload);
    } else {
      const header = bytes(m.headers);
      const total = header.length + payload.length;
      parts.push(Buffer.from(`HPUB ${m.subject} ${header.length} ${total}\r\n`), header, payload);
    }
    parts.push(Buffer.from("\r\n"));
  }
  parts.push(Buffer.from("PING\r\n"));
  return Buffer.concat(parts);
}
