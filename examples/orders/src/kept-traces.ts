// Spans for the waterfall, kept in memory with a bound: every span of the first N traces, none of
// the others. A run of 100,000 orders makes half a million spans; the waterfall needs one trace.
import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";

export class KeptTraces implements SpanProcessor {
  readonly #limit: number;
  readonly #traces = new Map<string, ReadableSpan[]>();

  /** `limit`: how many traces to keep. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Reserves a place when a trace starts, so a trace is kept whole or not at all. */
  onStart(span: Span, _parentContext: Context): void {
    const traceId = span.spanContext().traceId;
    if (!this.#traces.has(traceId) && this.#traces.size < this.#limit)
      this.#traces.set(traceId, []);
  }

  onEnd(span: ReadableSpan): void {
    this.#traces.get(span.spanContext().traceId)?.push(span);
  }

  /** Finished spans of the kept traces. */
  spans(): ReadableSpan[] {
    return [...this.#traces.values()].flat();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
