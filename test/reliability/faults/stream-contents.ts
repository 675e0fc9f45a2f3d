import { type Connection, getHeader } from "@helix/nats-core";

/** Every message of a stream, read back: message ID → the stream sequences that hold it. */
export interface StreamContents {
  /** The stream's message count, as its info reports it. */
  messages: number;
  /** `Nats-Msg-Id` → sequences (more than one would be a duplicate stored). */
  ids: Map<string, number[]>;
}

/**
 * Reads a whole stream back through the NATS client's own ordered consumer (not the code under
 * test), from its first to its last sequence.
 */
export async function readStream(conn: Connection, stream: string): Promise<StreamContents> {
  const jsm = await conn.manager();
  const { state } = await jsm.streams.info(stream);
  const ids = new Map<string, number[]>();
  if (state.messages > 0) {
    const consumer = await conn.jetstream.consumers.get(stream);
    const messages = await consumer.consume({ max_messages: 1_000 });
    for await (const msg of messages) {
      const id = getHeader(msg.headers, "Nats-Msg-Id") ?? `(no id, seq ${msg.seq})`;
      const seqs = ids.get(id);
      if (seqs) seqs.push(msg.seq);
      else ids.set(id, [msg.seq]);
      if (msg.seq >= state.last_seq) break;
    }
    await messages.close();
  }
  return { messages: state.messages, ids };
}
