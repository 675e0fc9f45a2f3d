import { flushQueuedAcks } from "./ack-batch.js";

/**
 * Whether the server still answers this connection: a PING/PONG round trip (`flush()`) within
 * `timeoutMs`, after the acks queued on it are written (the PONG then says the server has them).
 * False when the PONG does not come in time or the connection is closed. Never throws.
 */
export async function serverAnswers(
  nc: { flush(): Promise<void> },
  timeoutMs: number,
): Promise<boolean> {
  flushQueuedAcks(nc);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      nc.flush().then(
        () => true,
        () => false,
      ),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
