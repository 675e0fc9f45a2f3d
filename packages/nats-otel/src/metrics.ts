import type { Attributes, Histogram, Meter, MeterProvider } from "@opentelemetry/api";
import { createNoopMeter, metrics } from "@opentelemetry/api";
import {
  DURATION_BUCKETS,
  METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES,
  METRIC_MESSAGING_CLIENT_OPERATION_DURATION,
  METRIC_MESSAGING_CLIENT_SENT_MESSAGES,
  METRIC_MESSAGING_NATS_CLIENT_RECONNECTS,
  METRIC_MESSAGING_NATS_CONSUMER_DEAD_LETTERED,
  METRIC_MESSAGING_PROCESS_DURATION,
} from "./semconv.js";

/**
 * Distinct attribute sets kept per counter; more are counted under one overflow set. With that
 * set, one under the SDK's default cardinality limit (2000), so the SDK never drops any.
 */
export const MAX_ATTRIBUTE_SETS = 1999;
const OVERFLOW_KEY = "\u0000overflow";
const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ "otel.metric.overflow": true });

/** A running total for one attribute set. */
interface Tally {
  readonly attributes: Attributes;
  value: number;
}

/**
 * Totals by attribute set, reported through an observable counter when metrics are collected.
 * Adding is a map lookup; the SDK's per-call cost (hashing every attribute) is paid once per
 * attribute set per collection instead of once per message.
 */
class Tallies {
  readonly #tallies = new Map<string, Tally>();

  add(key: string, attributes: () => Attributes, n: number): void {
    let tally = this.#tallies.get(key);
    if (tally === undefined) {
      if (this.#tallies.size >= MAX_ATTRIBUTE_SETS) {
        key = OVERFLOW_KEY;
        tally = this.#tallies.get(key);
      }
      if (tally === undefined) {
        tally = { attributes: key === OVERFLOW_KEY ? OVERFLOW_ATTRIBUTES : attributes(), value: 0 };
        this.#tallies.set(key, tally);
      }
    }
    tally.value += n;
  }

  forEach(observe: (value: number, attributes: Attributes) => void): void {
    for (const tally of this.#tallies.values()) observe(tally.value, tally.attributes);
  }
}

/**
 * The plugin's instruments on one meter. Shared by every plugin instance that uses that meter
 * (held on the meter under a `Symbol.for` key, so it also holds across a dual ESM/CJS load):
 * two connections that report the same attribute set add to one total instead of reporting two
 * competing ones.
 */
export class MessagingMetrics {
  readonly operationDuration: Histogram;
  readonly processDuration: Histogram;
  readonly sent = new Tallies();
  readonly consumed = new Tallies();
  readonly reconnects = new Tallies();
  readonly deadLettered = new Tallies();
  readonly #attributes = new Map<string, Attributes>();

  constructor(meter: Meter) {
    const advice = { explicitBucketBoundaries: [...DURATION_BUCKETS] };
    this.operationDuration = meter.createHistogram(METRIC_MESSAGING_CLIENT_OPERATION_DURATION, {
      description:
        "Duration of a messaging operation started by the client: publish, receive, settle, management and KV calls.",
      unit: "s",
      advice,
    });
    this.processDuration = meter.createHistogram(METRIC_MESSAGING_PROCESS_DURATION, {
      description:
        "Duration of processing one message by a consume handler, its auto-ack included.",
      unit: "s",
      advice,
    });
    const observe = (name: string, description: string, unit: string, tallies: Tallies) => {
      meter.createObservableCounter(name, { description, unit }).addCallback((result) => {
        tallies.forEach((value, attrs) => {
          result.observe(value, attrs);
        });
      });
    };
    observe(
      METRIC_MESSAGING_CLIENT_SENT_MESSAGES,
      "Messages the client published.",
      "{message}",
      this.sent,
    );
    observe(
      METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES,
      "Messages delivered to the client: fetched, or handed to a consume handler.",
      "{message}",
      this.consumed,
    );
    observe(
      METRIC_MESSAGING_NATS_CLIENT_RECONNECTS,
      "Times the connection reconnected.",
      "{reconnect}",
      this.reconnects,
    );
    observe(
      METRIC_MESSAGING_NATS_CONSUMER_DEAD_LETTERED,
      "Messages a consume stored as dead letters (their last delivery failed, or a permanent error).",
      "{message}",
      this.deadLettered,
    );
  }

  /**
   * The attribute object for `key`, built once: histogram points reuse it rather than allocate
   * one per operation. Never mutated after it is built.
   */
  attributes(key: string, build: () => Attributes): Attributes {
    let attrs = this.#attributes.get(key);
    if (attrs === undefined) {
      attrs = build();
      if (this.#attributes.size < MAX_ATTRIBUTE_SETS) this.#attributes.set(key, attrs);
    }
    return attrs;
  }
}

const SHARED = Symbol.for("@helix/nats-otel.metrics");

/**
 * The instruments on the meter `scope` (at `version`) of the configured meter provider, or of the
 * global one as it is when the plugin is installed (register the SDK before connecting);
 * `undefined` when that meter is the API's no-op one, so that nothing is computed for metrics
 * nobody collects.
 */
export function messagingMetrics(
  provider: MeterProvider | undefined,
  scope: string,
  version?: string,
): MessagingMetrics | undefined {
  const meter = (provider ?? metrics.getMeterProvider()).getMeter(scope, version);
  if (Object.getPrototypeOf(meter) === Object.getPrototypeOf(createNoopMeter())) return undefined;
  const holder = meter as Meter & { [SHARED]?: MessagingMetrics };
  const existing = holder[SHARED];
  if (existing !== undefined) return existing;
  const created = new MessagingMetrics(meter);
  try {
    Object.defineProperty(holder, SHARED, { value: created });
  } catch {
    // A frozen meter: this plugin keeps its own totals.
  }
  return created;
}
