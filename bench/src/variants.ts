import { type Connection, connect as helixConnect } from "@helix/nats-core";
import { otel } from "@helix/nats-otel";
import { type JetStreamClient, jetstream } from "@nats-io/jetstream";
import { type NatsConnection, connect as natsConnect } from "@nats-io/transport-node";
import { HandTracing } from "./hand-tracing.js";
import { createSdk, enterContext, type Sampling } from "./sdk.js";

export const VARIANT_IDS = [
  "raw",
  "raw+id",
  "raw+trace",
  "raw+trace@1%",
  "helix",
  "otel",
  "otel+sdk",
  "otel+sdk@1%",
  "otel-same",
  "otel-same@1%",
] as const;
export type VariantId = (typeof VARIANT_IDS)[number];

export const VARIANT_LABELS: Record<VariantId, string> = {
  raw: "raw @nats-io",
  "raw+id": "raw, with a msg id",
  "raw+trace": "raw + hand-written tracing, always-on",
  "raw+trace@1%": "raw + hand-written tracing, 1% sampler",
  helix: "helix",
  otel: "helix + otel, no SDK",
  "otel+sdk": "helix + otel, always-on",
  "otel+sdk@1%": "helix + otel, 1% sampler",
  "otel-same": "helix + otel settleSpans: false, always-on",
  "otel-same@1%": "helix + otel settleSpans: false, 1% sampler",
};

/** The four variants the suite had before issue 20: the default for a case. */
export const BASE_VARIANTS: readonly VariantId[] = ["raw", "helix", "otel", "otel+sdk"];

/** A raw client, as the `@nats-io/*` READMEs write it (optionally with hand-written tracing). */
export interface RawVariant {
  id: "raw" | "raw+id" | "raw+trace" | "raw+trace@1%";
  nc: NatsConnection;
  js: JetStreamClient;
  /** Sends a `Nats-Msg-Id` with each publish (as helix does by default). */
  msgId: boolean;
  /** Hand-written tracing around the raw calls (with a msg id on publish). */
  tracing: HandTracing | undefined;
}

/** A helix connection, with or without the otel plugin. */
export interface HelixVariant {
  id: Exclude<VariantId, RawVariant["id"]>;
  conn: Connection;
}

export type Variant = (RawVariant | HelixVariant) & {
  /** Called before each measurement; returns what undoes it (global state of the SDK variants). */
  enter(): () => void;
  /** Flushes buffered telemetry (the SDK variants), outside of any measurement. */
  flush(): Promise<void>;
  close(): Promise<void>;
};

const nothing = () => () => {};

function samplingOf(id: VariantId): Sampling | undefined {
  if (id.endsWith("@1%")) return "1%";
  if (id === "raw+trace" || id === "otel+sdk" || id === "otel-same") return "always";
  return undefined;
}

/** Opens one connection per variant (each its own SDK, so nothing is shared between them). */
export async function openVariants(url: string): Promise<Record<VariantId, Variant>> {
  const { hostname, port } = new URL(url.replace(/^nats:/, "http:"));
  const open = async (id: VariantId): Promise<Variant> => {
    const sampling = samplingOf(id);
    const sdk =
      sampling === undefined
        ? undefined
        : createSdk({ sampling, settleSpans: !id.startsWith("otel-same") });
    const enter = sdk ? enterContext : nothing;
    const flush = async () => sdk?.flush();
    if (id === "raw" || id === "raw+id" || id === "raw+trace" || id === "raw+trace@1%") {
      const name = `bench-${id}`;
      const nc = await natsConnect({ servers: url, name });
      return {
        id,
        nc,
        js: jetstream(nc),
        msgId: id !== "raw",
        tracing: sdk ? new HandTracing(sdk, name, hostname, Number(port)) : undefined,
        enter,
        flush,
        close: async () => {
          await nc.close();
          await sdk?.shutdown();
        },
      };
    }
    const plugins = id === "helix" ? [] : [sdk ? sdk.plugin : otel()];
    const conn = await helixConnect({ addresses: [url], name: `bench-${id}`, plugins });
    return {
      id,
      conn,
      enter,
      flush,
      close: async () => {
        await conn.close();
        await sdk?.shutdown();
      },
    };
  };
  const variants = {} as Record<VariantId, Variant>;
  for (const id of VARIANT_IDS) variants[id] = await open(id);
  return variants;
}
