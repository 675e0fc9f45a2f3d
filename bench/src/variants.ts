import { type Connection, connect as helixConnect } from "@helix/nats-core";
import { otel } from "@helix/nats-otel";
import { type JetStreamClient, jetstream } from "@nats-io/jetstream";
import { type NatsConnection, connect as natsConnect } from "@nats-io/transport-node";
import { createSdk, enterContext } from "./sdk.js";

export const VARIANT_IDS = ["raw", "helix", "otel", "otel+sdk"] as const;
export type VariantId = (typeof VARIANT_IDS)[number];

export const VARIANT_LABELS: Record<VariantId, string> = {
  raw: "raw @nats-io",
  helix: "helix",
  otel: "helix + otel, no SDK",
  "otel+sdk": "helix + otel + SDK",
};

/** A raw client, as the `@nats-io/*` READMEs write it. */
export interface RawVariant {
  id: "raw";
  nc: NatsConnection;
  js: JetStreamClient;
}

/** A helix connection, with or without the otel plugin. */
export interface HelixVariant {
  id: Exclude<VariantId, "raw">;
  conn: Connection;
}

export type Variant = (RawVariant | HelixVariant) & {
  /** Called before each measurement; returns what undoes it (global state of the SDK variant). */
  enter(): () => void;
  /** Flushes buffered telemetry (the SDK variant), outside of any measurement. */
  flush(): Promise<void>;
  close(): Promise<void>;
};

const nothing = () => () => {};

export async function openVariants(url: string): Promise<Record<VariantId, Variant>> {
  const nc = await natsConnect({ servers: url, name: "bench-raw" });
  const raw: Variant = {
    id: "raw",
    nc,
    js: jetstream(nc),
    enter: nothing,
    flush: async () => {},
    close: () => nc.close(),
  };
  const helix = async (id: HelixVariant["id"]): Promise<Variant> => {
    const sdk = id === "otel+sdk" ? createSdk() : undefined;
    const plugins = id === "helix" ? [] : [sdk ? sdk.plugin : otel()];
    const conn = await helixConnect({ addresses: [url], name: `bench-${id}`, plugins });
    return {
      id,
      conn,
      enter: sdk ? enterContext : nothing,
      flush: async () => sdk?.flush(),
      close: async () => {
        await conn.close();
        await sdk?.shutdown();
      },
    };
  };
  return {
    raw,
    helix: await helix("helix"),
    otel: await helix("otel"),
    "otel+sdk": await helix("otel+sdk"),
  };
}
