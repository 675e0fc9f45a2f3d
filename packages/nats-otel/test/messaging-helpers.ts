import { randomBytes } from "node:crypto";
import { type Consumer, type ConsumerConfig, createConsumerManager } from "@helix/nats-consumer";
import { type Connection, connect, type DeliveredMessage } from "@helix/nats-core";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, inject } from "vitest";
import { type OtelOptions, type OtelPlugin, otel } from "../src/index.js";
import {
  createSdk,
  createStream,
  deleteStreams,
  type Sdk,
  sdkOptions,
  useAsyncContext,
} from "./helpers.js";

/** NATS message headers, as the client holds them. */
export type MsgHdrs = NonNullable<DeliveredMessage["headers"]>;

/** One SDK, one traced connection, its plugin, and the streams made for the test. */
export interface Traced {
  readonly sdk: Sdk;
  readonly conn: Connection;
  readonly plugin: OtelPlugin;
  /** A fresh stream `name` (subjects `name.>`), deleted by `close()`. */
  stream(): Promise<string>;
  close(): Promise<void>;
}

/** A fresh SDK and a connection to the shared server with the plugin wired to it. */
export async function traced(extra: OtelOptions = {}, name = "otel-messaging"): Promise<Traced> {
  const sdk = createSdk();
  const plugin = otel(sdkOptions(sdk, extra));
  const conn = await connect({ addresses: [inject("natsUrl")], name, plugins: [plugin] });
  const streams: string[] = [];
  return {
    sdk,
    conn,
    plugin,
    async stream() {
      const s = await createStream(conn);
      streams.push(s);
      return s;
    },
    async close() {
      try {
        if (!conn.isClosed) {
          await deleteStreams(conn, streams);
          await conn.close();
        }
      } finally {
        await sdk.shutdown();
      }
    },
  };
}

/**
 * Registers the hooks of a file whose tests each make their own traced connection, and returns
 * the function that makes one: the async context is on, and every connection and SDK made is
 * closed after its test.
 */
export function tracedPerTest(client: string): (extra?: OtelOptions) => Promise<Traced> {
  const open: Traced[] = [];
  const closeAll = async () => {
    for (const t of open.splice(0)) await t.close();
  };
  beforeAll(() => useAsyncContext());
  afterEach(closeAll);
  afterAll(closeAll);
  return async (extra = {}) => {
    const t = await traced(extra, client);
    open.push(t);
    return t;
  };
}

/** A durable pull consumer with explicit acks (made through the traced connection). */
export function durable(
  conn: Connection,
  stream: string,
  name: string,
  config: ConsumerConfig = {},
): Promise<Consumer> {
  return createConsumerManager(conn).createOrUpdate(stream, {
    durable_name: name,
    ack_policy: "explicit" as ConsumerConfig["ack_policy"],
    ...config,
  });
}

/** `n` random lower-case hex bytes. */
export function hex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** The parts of a W3C `traceparent` value. */
export function parseTraceparent(value: string | undefined): { traceId: string; spanId: string } {
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(value ?? "");
  if (m === null) throw new Error(`not a traceparent: ${value}`);
  return { traceId: m[1] as string, spanId: m[2] as string };
}

/** The header names of `h`, exactly as stored (casing kept). */
export function headerKeys(h: MsgHdrs | undefined): string[] {
  return h === undefined ? [] : Array.from(h.keys());
}

/** The trace id and span id of a finished span. */
export function ids(span: ReadableSpan): { traceId: string; spanId: string } {
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/** The headers of a stored message, read with the raw client (untraced). */
export async function storedHeaders(
  conn: Connection,
  stream: string,
  seq: number,
): Promise<MsgHdrs> {
  const jsm = await conn.manager();
  const msg = await jsm.streams.getMessage(stream, { seq });
  if (msg === null) throw new Error(`no message ${seq} in ${stream}`);
  return msg.header;
}
