import { inspect } from "node:util";
import type { Middleware, Plugin } from "@helix/nats-core";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";

/**
 * Everything a run can show to the outside, as text: errors (message, `String`, stack, `cause`
 * chain, `util.inspect` with hidden fields), connection events, what a logging middleware would
 * print for each operation, console output, every span (name, attributes, status, events, links)
 * and every metric point's attributes.
 */
export class Exposure {
  readonly #texts: string[] = [];
  readonly spanExporter = new InMemorySpanExporter();
  readonly tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(this.spanExporter)],
  });
  readonly #metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  readonly #reader = new PeriodicExportingMetricReader({
    exporter: this.#metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  readonly meterProvider = new MeterProvider({ readers: [this.#reader] });
  counts = { errors: 0, events: 0, operations: 0, spans: 0, points: 0, console: 0 };

  /** Records any value: errors with their whole cause chain, other values deeply. */
  add(value: unknown): void {
    this.#texts.push(textOf(value));
  }

  error(err: unknown): void {
    this.counts.errors++;
    this.add(err);
  }

  event(event: unknown): void {
    this.counts.events++;
    this.add(event);
  }

  /** A middleware that "logs" every operation and its outcome, the way a user's logger would. */
  plugin(): Plugin {
    const log: Middleware = async (op, next) => {
      this.counts.operations++;
      try {
        return await next();
      } catch (err) {
        this.error(err);
        throw err;
      } finally {
        this.add(op);
      }
    };
    return { name: "exposure-log", install: (stack) => stack.add(log, { name: "exposure-log" }) };
  }

  /** Copies what the process prints to the console while `fn` runs. */
  async console<T>(fn: () => Promise<T>): Promise<T> {
    const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
    const saved = methods.map((m) => console[m]);
    for (const m of methods) {
      const original = console[m];
      console[m] = (...args: unknown[]) => {
        this.counts.console++;
        this.add(args);
        original.apply(console, args);
      };
    }
    try {
      return await fn();
    } finally {
      methods.forEach((m, i) => {
        console[m] = saved[i] as (typeof console)[typeof m];
      });
    }
  }

  /** All recorded text, telemetry included. */
  async text(): Promise<string> {
    const parts = [...this.#texts];
    const spans = this.spanExporter.getFinishedSpans();
    this.counts.spans = spans.length;
    for (const span of spans) {
      parts.push(
        JSON.stringify({
          name: span.name,
          kind: span.kind,
          attributes: span.attributes,
          status: span.status,
          events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
          links: span.links.map((l) => ({ context: l.context, attributes: l.attributes })),
          resource: span.resource.attributes,
        }),
      );
    }
    await this.#reader.forceFlush();
    const batches = this.#metricExporter.getMetrics();
    this.counts.points = 0;
    for (const scope of batches[batches.length - 1]?.scopeMetrics ?? []) {
      for (const metric of scope.metrics) {
        for (const point of metric.dataPoints) {
          this.counts.points++;
          parts.push(JSON.stringify({ metric: metric.descriptor, attributes: point.attributes }));
        }
      }
    }
    return parts.join("\n");
  }

  async shutdown(): Promise<void> {
    await this.tracerProvider.shutdown();
    await this.meterProvider.shutdown();
  }
}

/** Deep text of a value: for errors every form a log could take, down the cause chain. */
export function textOf(value: unknown, depth = 0): string {
  if (depth > 10) return "";
  if (value instanceof Error || (typeof value === "object" && value !== null && "stack" in value)) {
    const err = value as Error & { cause?: unknown };
    let own = "";
    try {
      own = JSON.stringify(err);
    } catch {
      own = "";
    }
    return [
      String(err),
      err.message,
      err.stack,
      own,
      inspect(err, { depth: 10, showHidden: true }),
      textOf(err.cause, depth + 1),
    ].join("\n");
  }
  if (typeof value === "string") return value;
  return inspect(value, {
    depth: 8,
    showHidden: false,
    maxArrayLength: 1000,
    maxStringLength: null,
  });
}

/** The forms in which a secret could appear: as is, URL-encoded, JSON-escaped. */
export function secretForms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
}

/** Secrets (in any of their forms) found in `text`. */
export function leaks(text: string, secrets: readonly string[]): string[] {
  return secrets.flatMap(secretForms).filter((form) => text.includes(form));
}
