import { type JetStreamClient, type JetStreamManager, StorageType } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";

/** Server-side setup, done with the raw client outside of every measurement. */
export class ServerState {
  #seq = 0;
  constructor(
    readonly jsm: JetStreamManager,
    readonly js: JetStreamClient,
  ) {}

  /** A name no earlier stream, consumer or bucket of this run used. */
  name(prefix: string): string {
    return `${prefix}${++this.#seq}`;
  }

  /** A file-storage R1 stream on `<name>.>`. */
  async addStream(name: string): Promise<void> {
    await this.jsm.streams.add({
      name,
      subjects: [`${name}.>`],
      storage: StorageType.File,
      num_replicas: 1,
    });
  }

  async deleteStream(name: string): Promise<void> {
    await this.jsm.streams.delete(name);
  }

  /** Stores `count` copies of `data` on `subject`, 256 in flight, with `headersFor(i)` if given. */
  async fill(
    subject: string,
    data: Uint8Array,
    count: number,
    headersFor?: (i: number) => MsgHdrs,
  ): Promise<void> {
    let i = 0;
    const publish = headersFor
      ? (s: string, d: Uint8Array) => this.js.publish(s, d, { headers: headersFor(i++) })
      : (s: string, d: Uint8Array) => this.js.publish(s, d);
    await publishWindowed(publish, subject, data, count, 256);
  }
}

/**
 * Keeps `window` publishes in flight, as a raw client user does without a library: start a
 * publish whenever fewer than `window` acks are outstanding, then wait for all of them.
 */
export async function publishWindowed(
  publish: (subject: string, data: Uint8Array) => Promise<unknown>,
  subject: string,
  data: Uint8Array,
  count: number,
  window: number,
): Promise<void> {
  let inFlight = 0;
  let wake: (() => void) | undefined;
  let failure: unknown;
  const settled = () => {
    inFlight--;
    const w = wake;
    wake = undefined;
    w?.();
  };
  const failed = (err: unknown) => {
    failure ??= err;
    settled();
  };
  for (let i = 0; i < count; i++) {
    while (inFlight >= window) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    inFlight++;
    publish(subject, data).then(settled, failed);
  }
  while (inFlight > 0) {
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  if (failure !== undefined) throw failure;
}

/** `size` bytes of varied content (not all zeros). */
export function payload(size: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + 7) & 0xff;
  return data;
}
