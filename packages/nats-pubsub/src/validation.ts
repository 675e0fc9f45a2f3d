import { assertSubject, ValidationError } from "@helix/nats-core";
import { assertOptionalInteger } from "@helix/nats-core/internal";
import type { DrainOptions, HandlerOptions, RequestOptions, SubscribeOptions } from "./types.js";

const WHITESPACE = /\s/;

/** Throws `ValidationError` unless `queue` is a usable queue group name (non-empty, no white space). */
export function assertQueue(queue: unknown): asserts queue is string {
  if (typeof queue !== "string" || queue === "") {
    throw new ValidationError("queue", "queue must be a non-empty string", { value: queue });
  }
  if (WHITESPACE.test(queue)) {
    throw new ValidationError("queue", `queue "${queue}" must not contain white space`, {
      value: queue,
    });
  }
  if (queue.length > 255) {
    throw new ValidationError("queue", "queue must be at most 255 characters", {
      value: queue.length,
    });
  }
}

/** Checks a `subscribe`/`reply` call before any I/O. */
export function assertHandlerArguments(
  call: "subscribe" | "reply",
  subject: unknown,
  handler: unknown,
  options: SubscribeOptions | HandlerOptions,
): void {
  assertSubject(subject, "filter");
  if (typeof handler !== "function") {
    throw new ValidationError("handler", `${call} needs a handler function`);
  }
  if (options.queue !== undefined) assertQueue(options.queue);
  assertOptionalInteger(options.concurrency, "concurrency");
  if ("maxMessages" in options) assertOptionalInteger(options.maxMessages, "maxMessages");
  if (options.onError !== undefined && typeof options.onError !== "function") {
    throw new ValidationError("onError", "onError must be a function");
  }
}

/** Checks a `request` call before any I/O. */
export function assertRequestOptions(options: RequestOptions): void {
  assertOptionalInteger(options.timeoutMs, "timeoutMs");
  const retry = options.retry;
  if (retry !== undefined) {
    if (typeof retry !== "object" || retry === null) {
      throw new ValidationError("retry", "retry must be an object: { attempts, delayMs? }");
    }
    assertOptionalInteger(retry.attempts ?? Number.NaN, "retry.attempts");
    assertOptionalInteger(retry.delayMs, "retry.delayMs", 0);
  }
}

/** Checks `drain` options. */
export function assertDrainOptions(options: DrainOptions): void {
  assertOptionalInteger(options.timeoutMs, "timeoutMs");
}
