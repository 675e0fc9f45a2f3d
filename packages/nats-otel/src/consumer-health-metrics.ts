import type { ConsumerHealth, ConsumerHealthOperation } from "@helix/nats-core";
import type { Attributes, Meter, MeterProvider } from "@opentelemetry/api";
import { createNoopMeter, metrics } from "@opentelemetry/api";
import { MAX_ATTRIBUTE_SETS } from "./metrics.js";
import {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_NATS_STREAM_NAME,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_SYSTEM_VALUE_NATS,
  METRIC_MESSAGING_NATS_CONSUMER_ACK_PENDING,
  METRIC_MESSAGING_NATS_CONSUMER_LAST_ACTIVE_AGE,
  METRIC_MESSAGING_NATS_CONSUMER_PENDING,
  METRIC_MESSAGING_NATS_CONSUMER_REDELIVERED,
  METRIC_MESSAGING_NATS_CONSUMER_WAITING,
} from "./semconv.js";

/** The latest reading of one consumer, with the attributes its points carry. */
interface Series {
  readonly attributes: Attributes;
  health: ConsumerHealth;
}

/**
 * Consumer health as observable gauges: the latest reading of each consumer that a health reader
 * (`watchConsumerHealth`, `consume(..., { health })`) reports through the stack, observed when
 * metrics are collected. Points carry `messaging.system`, `messaging.nats.stream.name` and
 * `messaging.consumer.group.name` only (low cardinality). A reader that stops removes its
 * consumer's series. Shared by every plugin on one meter, like `MessagingMetrics`.
 */
export class ConsumerHealthGauges {
  readonly #series = new Map<string, Series>();

  constructor(meter: Meter) {
    const gauge = (
      name: string,
      description: string,
      unit: string,
      value: (health: ConsumerHealth, nowMs: number) => number | undefined,
    ) => {
      meter.createObservableGauge(name, { description, unit }).addCallback((result) => {
        const now = Date.now();
        for (const series of this.#series.values()) {
          const v = value(series.health, now);
          if (v !== undefined) result.observe(v, series.attributes);
        }
      });
    };
    gauge(
      METRIC_MESSAGING_NATS_CONSUMER_PENDING,
      "Messages in the stream the consumer has not delivered yet.",
      "{message}",
      (h) => h.pending,
    );
    gauge(
      METRIC_MESSAGING_NATS_CONSUMER_ACK_PENDING,
      "Messages the consumer delivered that wait for an ack.",
      "{message}",
      (h) => h.ackPending,
    );
    gauge(
      METRIC_MESSAGING_NATS_CONSUMER_REDELIVERED,
      "Messages the consumer delivered more than once, not yet acked.",
      "{message}",
      (h) => h.redelivered,
    );
    gauge(
      METRIC_MESSAGING_NATS_CONSUMER_WAITING,
      "Pull requests waiting at the server for messages.",
      "{request}",
      (h) => h.waiting,
    );
    gauge(
      METRIC_MESSAGING_NATS_CONSUMER_LAST_ACTIVE_AGE,
      "Time since the consumer last delivered a message or had one acked.",
      "s",
      (h, now) =>
        h.lastActiveMs === undefined ? undefined : Math.max(0, now - h.lastActiveMs) / 1000,
    );
  }

  /** Takes the reading of a finished `read`, or forgets the consumer on `stop`. */
  record(op: ConsumerHealthOperation): void {
    const key = `${op.stream}\n${op.consumer}`;
    if (op.phase === "stop") {
      this.#series.delete(key);
      return;
    }
    const health = op.health;
    if (health === undefined) return;
    const series = this.#series.get(key);
    if (series !== undefined) {
      series.health = health;
      return;
    }
    if (this.#series.size >= MAX_ATTRIBUTE_SETS) return;
    this.#series.set(key, {
      health,
      attributes: {
        [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_VALUE_NATS,
        [ATTR_MESSAGING_NATS_STREAM_NAME]: op.stream,
        [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: op.consumer,
      },
    });
  }
}

const SHARED = Symbol.for("@helix/nats-otel.consumer-health");

/**
 * The consumer health gauges on the meter `scope` (at `version`) of the configured or global
 * meter provider; `undefined` for the API's no-op meter. One set per meter (held on it under a
 * `Symbol.for` key), so two plugins on one meter never report competing series.
 */
export function consumerHealthGauges(
  provider: MeterProvider | undefined,
  scope: string,
  version?: string,
): ConsumerHealthGauges | undefined {
  const meter = (provider ?? metrics.getMeterProvider()).getMeter(scope, version);
  if (Object.getPrototypeOf(meter) === Object.getPrototypeOf(createNoopMeter())) return undefined;
  const holder = meter as Meter & { [SHARED]?: ConsumerHealthGauges };
  const existing = holder[SHARED];
  if (existing !== undefined) return existing;
  const created = new ConsumerHealthGauges(meter);
  try {
    Object.defineProperty(holder, SHARED, { value: created });
  } catch {
    // A frozen meter: this plugin keeps its own series.
  }
  return created;
}
