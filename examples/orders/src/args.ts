// Command-line flags of the demo: parsed and checked here, so that main only wires things up.
import { parseArgs } from "node:util";

/** What the demo was asked to do. */
export interface DemoArgs {
  /** Orders to publish. */
  count: number;
  /** Handlers in flight at once in the worker. */
  concurrency: number;
  /** OTLP/HTTP collector base URL (`http://host:4318`), or `undefined` to keep telemetry in memory. */
  otlp: string | undefined;
  help: boolean;
}

/** A flag the demo does not understand: the message says what to do; exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const USAGE = `Usage: npm run demo -- [options]

An order pipeline on NATS JetStream with every helix-nats package: a producer publishes orders,
a worker processes them (failing a few on purpose so they are redelivered) and records each
order's state in a key-value bucket, a watcher prints state changes, and a summary is fetched
at the end. Traces and metrics go through @helix/nats-otel.

Options:
  --count <n>        orders to publish (default 1000)
  --concurrency <n>  handlers in flight in the worker (default 8)
  --otlp <url>       also export traces and metrics to an OTLP/HTTP collector, e.g.
                     http://localhost:4318 (default: $OTEL_EXPORTER_OTLP_ENDPOINT, else none)
  -h, --help         show this help

Environment:
  NATS_URL           use this JetStream-enabled server instead of starting one
  OTEL_EXPORTER_OTLP_ENDPOINT   the same as --otlp`;

function positiveInteger(flag: string, raw: string, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got "${raw}"`);
  }
  return value;
}

function collectorUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `--otlp must be an http(s) URL such as http://localhost:4318, got "${raw}"`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(
      `--otlp must be an http(s) URL such as http://localhost:4318, got "${raw}"`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

/** Parses `argv` (without node and the script); throws `UsageError` on anything it cannot use. */
export function parseDemoArgs(argv: readonly string[], env: NodeJS.ProcessEnv): DemoArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv.filter((arg) => arg !== "--"), // `pnpm run demo -- --count 5` passes the `--` on
      options: {
        count: { type: "string" },
        concurrency: { type: "string" },
        otlp: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const otlp =
    (values.otlp as string | undefined) ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined);
  return {
    count: positiveInteger("--count", (values.count as string | undefined) ?? "1000", 1_000_000),
    concurrency: positiveInteger(
      "--concurrency",
      (values.concurrency as string | undefined) ?? "8",
      256,
    ),
    otlp: otlp === undefined ? undefined : collectorUrl(otlp),
    help: values.help === true,
  };
}

/** `url` without user and password, for printing. */
export function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.href.replace(/\/+$/, "");
}
