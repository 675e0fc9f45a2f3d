import { ConfigError, type ConfigReason, TimeoutError } from "@helix/nats-core";
import { NANOS_PER_MS } from "@helix/nats-core/internal";
import type { KeepAliveOptions } from "./types.js";
import { isPositiveInteger } from "./validation.js";

/*
 * Long handlers: `working()` sent while a handler runs (so the server does not redeliver a
 * message still being handled), and a per-message handler timeout.
 */

/** The server's default `ack_wait`, in ms. */
const DEFAULT_ACK_WAIT_MS = 30_000;

/** The shortest keepalive interval helix picks by itself. */
const MIN_INTERVAL_MS = 100;

/**
 * The keepalive interval of a consume, in ms, or `undefined` when it is off: `intervalMs`, else
 * a third of the consumer's `ack_wait` (nanoseconds in its config; the server's 30 s when
 * unset), at least 100 ms. Throws `ConfigError` (before any pull: a consume resolves its policy
 * when it starts) for an `intervalMs` over half of `ack_wait`: a beat delayed by a busy event
 * loop or the network would let the server redeliver a message behind its running handler.
 */
export function keepAliveInterval(
  option: boolean | KeepAliveOptions | undefined,
  ackWaitNanos: number | undefined,
): number | undefined {
  if (option === false) return undefined;
  const ackWaitMs =
    typeof ackWaitNanos === "number" && ackWaitNanos > 0
      ? ackWaitNanos / NANOS_PER_MS
      : DEFAULT_ACK_WAIT_MS;
  if (typeof option === "object" && option.intervalMs !== undefined) {
    if (option.intervalMs > ackWaitMs / 2) {
      throw new ConfigError(
        [
          {
            message: `keepAlive.intervalMs (${option.intervalMs} ms) must be at most half the consumer's ack_wait (${ackWaitMs} ms): a late beat would let the server redeliver a message whose handler is still running; leave it out for a third of ack_wait`,
            path: ["keepAlive", "intervalMs"],
          },
        ],
        { subject: "consume options" },
      );
    }
    return option.intervalMs;
  }
  return Math.max(MIN_INTERVAL_MS, Math.floor(ackWaitMs / 3));
}

/**
 * The keepalive of one consume: one timer for all its running handlers (not one per message),
 * ticking every half interval while any runs. A handler is beaten (`beat(key)`) on the second
 * tick after its start or its last beat: the first beat comes between half an interval and one
 * interval after it started, then one every interval. Starting a handler costs a map entry (no
 * clock read, no timer); the timer stops by itself on a tick that finds nothing running, and
 * never keeps the process alive.
 */
export class KeepAlive<K> {
  readonly #tickMs: number;
  readonly #beat: (key: K) => void;
  /** Each running handler's key, with the tick count at its start or last beat. */
  readonly #running = new Map<K, number>();
  #ticks = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(intervalMs: number, beat: (key: K) => void) {
    this.#tickMs = Math.max(1, Math.floor(intervalMs / 2));
    this.#beat = beat;
  }

  /** A handler started for `key`. */
  start(key: K): void {
    this.#running.set(key, this.#ticks);
    if (this.#timer === undefined) {
      this.#timer = setInterval(this.#tick, this.#tickMs);
      this.#timer.unref?.();
    }
  }

  /** The handler for `key` returned. */
  stop(key: K): void {
    this.#running.delete(key);
  }

  /** The consume ended: no more beats, for handlers still running either. */
  close(): void {
    this.#running.clear();
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  readonly #tick = (): void => {
    if (this.#running.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const now = ++this.#ticks;
    for (const [key, last] of this.#running) {
      if (now - last < 2) continue;
      this.#running.set(key, now);
      this.#beat(key);
    }
  };
}

/** What a handler that ran past `timeoutMs` fails with (retryable: the retry policy applies). */
export function handlerTimeoutError(timeoutMs: number, stream: string, seq: number): TimeoutError {
  return new TimeoutError(
    `consume: the handler of message ${seq} of stream "${stream}" ran past timeoutMs (${timeoutMs} ms); its signal was aborted`,
  );
}

/** Every problem of the `keepAlive` and `timeoutMs` options, with its path. */
export function longHandlerReasons(keepAlive: unknown, timeoutMs: unknown): ConfigReason[] {
  const reasons: ConfigReason[] = [];
  if (keepAlive !== undefined && typeof keepAlive !== "boolean") {
    if (typeof keepAlive !== "object" || keepAlive === null || Array.isArray(keepAlive)) {
      reasons.push({ message: "keepAlive must be a boolean or an object", path: ["keepAlive"] });
    } else {
      const k = keepAlive as Record<string, unknown>;
      if (k.intervalMs !== undefined && !isPositiveInteger(k.intervalMs)) {
        reasons.push({
          message: "keepAlive.intervalMs must be a positive integer number of milliseconds",
          path: ["keepAlive", "intervalMs"],
        });
      }
      for (const key of Object.keys(k)) {
        if (key !== "intervalMs") {
          reasons.push({ message: `unknown keepAlive option "${key}"`, path: ["keepAlive", key] });
        }
      }
    }
  }
  if (timeoutMs !== undefined && !isPositiveInteger(timeoutMs)) {
    reasons.push({
      message: "timeoutMs must be a positive integer number of milliseconds",
      path: ["timeoutMs"],
    });
  }
  return reasons;
}
