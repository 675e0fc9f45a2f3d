import {
  ConfigError,
  type ConfigReason,
  type ConsumerHealth,
  type ConsumerHealthOperation,
  isConnection,
  ValidationError,
} from "@helix/nats-core";
import { runOperation } from "@helix/nats-core/internal";
import type { ConsumerInfo } from "@nats-io/jetstream";
import { onConnectionClosed } from "./connection-closed.js";
import { toError, toPullError } from "./errors.js";
import type {
  ConsumeContext,
  ConsumeOptions,
  Consumer,
  ConsumerHealthOptions,
  ConsumerHealthWatch,
  PullTarget,
} from "./types.js";
import { isAbortSignal } from "./validation.js";

/** Default time between two readings of a consumer's health, in ms. */
export const DEFAULT_HEALTH_INTERVAL_MS = 15_000;
/** The shortest interval between readings, in ms (each one is a request to the server). */
export const MIN_HEALTH_INTERVAL_MS = 100;

/**
 * Reads a consumer's info every `intervalMs` (default 15 s; the first reading at once) as a
 * `consumer.health` operation carrying pending, ack pending, redelivered, waiting and the last
 * activity: the otel plugin turns the latest reading into observable gauges. Opt-in: nothing is
 * read unless this runs (or `consume(..., { health })`). A failed reading goes to `onError` and
 * the next one is tried at the interval. `stop()` (or the signal, a drain or close of the
 * connection) ends it and tells the stack, so the gauges forget the consumer.
 *
 * `ConfigError` listing every problem for bad options; `ValidationError` for a `consumer` that
 * is not a handle of this package.
 */
export function watchConsumerHealth(
  consumer: Consumer,
  options: ConsumerHealthOptions = {},
): ConsumerHealthWatch {
  const target = consumer as Partial<PullTarget>;
  if (!isConnection(target.conn) || target.raw === undefined) {
    throw new ValidationError(
      "consumer",
      "watchConsumerHealth needs a consumer handle from createConsumerManager()",
    );
  }
  assertHealthOptions(options, ["health"]);
  return new HealthReader(target as PullTarget, options);
}

/**
 * For `consume(handler, { health })`: checks the option before the consume starts, and returns
 * what starts the reader once it runs (it stops when the consume ends). `undefined` without the
 * option. A failed reading goes to the consume's `onError` unless `health.onError` is given.
 */
export function consumeHealth(
  target: PullTarget,
  options: ConsumeOptions,
): ((ctx: ConsumeContext) => void) | undefined {
  const health = options.health;
  if (health === undefined || health === false) return undefined;
  // checked with the other consume options (assertHandlingOptions)
  const resolved: ConsumerHealthOptions = health === true ? {} : health;
  return (ctx) => {
    const reader = new HealthReader(target, {
      ...resolved,
      onError: resolved.onError ?? ((err) => options.onError?.(err, {})),
    });
    const stop = () => void reader.stop();
    ctx.closed.then(stop, stop);
  };
}

/** Throws one `ConfigError` listing every problem of health options (paths under `at`). */
function assertHealthOptions(options: unknown, at: readonly (string | number)[]): void {
  const reasons = healthOptionReasons(options, at);
  if (reasons.length > 0) throw new ConfigError(reasons, { subject: "consumer health options" });
}

/** The problems of a consume's `health` option (`true`, `false` or the options), as reasons. */
export function consumeHealthReasons(health: ConsumeOptions["health"]): ConfigReason[] {
  if (health === undefined || health === false || health === true) return [];
  return healthOptionReasons(health, ["health"]);
}

/** Every problem of health options, paths under `at`. */
function healthOptionReasons(options: unknown, at: readonly (string | number)[]): ConfigReason[] {
  const reasons: ConfigReason[] = [];
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    reasons.push({ message: "health options must be an object or true", path: [...at] });
  } else {
    const o = options as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (key !== "intervalMs" && key !== "onError" && key !== "signal") {
        reasons.push({ message: `unknown option "${key}"`, path: [...at, key] });
      }
    }
    const interval = o.intervalMs;
    if (
      interval !== undefined &&
      (typeof interval !== "number" ||
        !Number.isInteger(interval) ||
        interval < MIN_HEALTH_INTERVAL_MS)
    ) {
      reasons.push({
        message: `intervalMs must be a whole number of milliseconds, at least ${MIN_HEALTH_INTERVAL_MS} (default ${DEFAULT_HEALTH_INTERVAL_MS})`,
        path: [...at, "intervalMs"],
      });
    }
    if (o.onError !== undefined && typeof o.onError !== "function") {
      reasons.push({ message: "onError must be a function", path: [...at, "onError"] });
    }
    if (o.signal !== undefined && !isAbortSignal(o.signal)) {
      reasons.push({ message: "signal must be an AbortSignal", path: [...at, "signal"] });
    }
  }
  return reasons;
}

/** One running health reader: a reading now, then one per interval until stopped. */
class HealthReader implements ConsumerHealthWatch {
  readonly #target: PullTarget;
  readonly #intervalMs: number;
  readonly #onError: ((err: Error) => void) | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #unregisterDrain: () => void;
  readonly #unregisterClose: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #latest: ConsumerHealth | undefined;
  #stopped = false;
  /** What `stop()` resolves with (once the stack heard of it). */
  #stopping: Promise<void> | undefined;
  /** Readings under way: the stop is told to the stack after them, so that none outlives it. */
  readonly #reading = new Set<Promise<unknown>>();
  /** The consumer name the readings were reported under (an ordered consumer's changes). */
  #reportedAs: string;

  constructor(target: PullTarget, options: ConsumerHealthOptions) {
    this.#target = target;
    this.#intervalMs = options.intervalMs ?? DEFAULT_HEALTH_INTERVAL_MS;
    this.#onError = options.onError;
    this.#signal = options.signal;
    this.#reportedAs = target.name;
    this.#unregisterDrain = target.conn.onDrain(() => this.stop());
    this.#unregisterClose = onConnectionClosed(target.conn, () => void this.stop());
    if (this.#signal?.aborted) {
      void this.stop();
      return;
    }
    this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
    this.#tick();
  }

  get latest(): ConsumerHealth | undefined {
    return this.#latest;
  }

  readonly #onAbort = (): void => void this.stop();

  read(): Promise<ConsumerHealth> {
    const target = this.#target;
    const op: ConsumerHealthOperation = {
      kind: "consumer.health",
      client: target.conn.client,
      phase: "read",
      stream: target.stream,
      consumer: target.name,
    };
    this.#reportedAs = target.name;
    const reading = runOperation(
      target.conn,
      op,
      async (op) => {
        const health = toHealth(await target.raw.info(false));
        // A reading that arrives after stop() is returned, but not reported to the stack.
        if (!this.#stopped) op.health = health;
        this.#latest = health;
        return health;
      },
      {
        mapError: (err) =>
          toPullError(err, { stream: target.stream, consumer: target.name, operation: "health" }),
      },
    );
    this.#reading.add(reading);
    const done = () => this.#reading.delete(reading);
    reading.then(done, done);
    return reading;
  }

  stop(): Promise<void> {
    if (this.#stopping !== undefined) return this.#stopping;
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#unregisterDrain();
    this.#unregisterClose();
    this.#signal?.removeEventListener("abort", this.#onAbort);
    const target = this.#target;
    const op: ConsumerHealthOperation = {
      kind: "consumer.health",
      client: target.conn.client,
      phase: "stop",
      stream: target.stream,
      consumer: this.#reportedAs,
    };
    // No I/O: the stack hears that the readings end, after the readings under way (a failing
    // middleware is reported).
    this.#stopping = Promise.allSettled([...this.#reading])
      .then(() => target.conn.run(op, () => Promise.resolve()))
      .then(undefined, (err: unknown) => this.#report(err));
    return this.#stopping;
  }

  /** One reading, then the next one an interval after it finished (never two at once). */
  #tick(): void {
    this.read().then(
      () => this.#schedule(),
      (err: unknown) => {
        if (!this.#stopped) this.#report(err);
        this.#schedule();
      },
    );
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.#tick(), this.#intervalMs);
    // A reader alone never keeps the process running.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #report(err: unknown): void {
    try {
      this.#onError?.(toError(err));
    } catch {
      // a failing error callback must not stop the reader
    }
  }
}

/** The health numbers of a consumer info. */
export function toHealth(info: ConsumerInfo, readAtMs = Date.now()): ConsumerHealth {
  const delivered = lastActive(info.delivered?.last_active);
  const acked = lastActive(info.ack_floor?.last_active);
  return {
    pending: info.num_pending,
    ackPending: info.num_ack_pending,
    redelivered: info.num_redelivered,
    waiting: info.num_waiting,
    lastActiveMs:
      delivered === undefined
        ? acked
        : acked === undefined
          ? delivered
          : Math.max(delivered, acked),
    readAtMs,
  };
}

/** `last_active` as the server sends it (an RFC 3339 time; typed as nanos by the client). */
function lastActive(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  // Go's zero time ("0001-01-01T00:00:00Z") means never.
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
