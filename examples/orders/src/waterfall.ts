// Renders one trace as a waterfall in the terminal: each span on its own line, indented under its
// parent, with its duration and a bar placed and scaled on the trace's time line.
import { type HrTime, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

const BAR_WIDTH = 40;

function ms(time: HrTime): number {
  return time[0] * 1e3 + time[1] / 1e6;
}

/**
 * The trace to show: that of the first dead-lettered order (its trace holds every delivery, the
 * dead letter and the term), else the first order redelivered after a failure, else the first
 * one whose handler wrote to the KV bucket. `undefined` when none.
 */
export function pickTrace(spans: readonly ReadableSpan[]): string | undefined {
  const deadLettered = spans.find((s) => s.name.startsWith("deadletter "));
  if (deadLettered) return deadLettered.spanContext().traceId;
  const processes = spans.filter((s) => s.name.startsWith("process "));
  const redelivered = processes.find(
    (s) => Number(s.attributes["messaging.nats.message.delivery_count"]) > 1,
  );
  if (redelivered) return redelivered.spanContext().traceId;
  const withPut = new Set(
    spans
      .filter((s) => s.name.startsWith("kv.put ") && s.parentSpanContext)
      .map((s) => s.spanContext().traceId),
  );
  return processes.find((s) => withPut.has(s.spanContext().traceId))?.spanContext().traceId;
}

interface Node {
  span: ReadableSpan;
  children: Node[];
}

/** The spans of `traceId` as trees (roots are spans whose parent is not in the trace). */
export function buildTree(spans: readonly ReadableSpan[], traceId: string): Node[] {
  const own = spans.filter((s) => s.spanContext().traceId === traceId);
  const nodes = new Map(
    own.map((span) => [span.spanContext().spanId, { span, children: [] } as Node]),
  );
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanContext?.spanId;
    const parentNode = parent === undefined ? undefined : nodes.get(parent);
    (parentNode ? parentNode.children : roots).push(node);
  }
  const byStart = (a: Node, b: Node) => ms(a.span.startTime) - ms(b.span.startTime);
  const sort = (list: Node[]) => {
    list.sort(byStart);
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}

function bar(start: number, end: number, from: number, extent: number): string {
  const scale = extent > 0 ? BAR_WIDTH / extent : 0;
  const offset = Math.min(BAR_WIDTH - 1, Math.floor((start - from) * scale));
  const length = Math.max(1, Math.min(BAR_WIDTH - offset, Math.round((end - start) * scale)));
  return `${" ".repeat(offset)}${"█".repeat(length)}${" ".repeat(BAR_WIDTH - offset - length)}`;
}

/** The waterfall of `traceId` as lines of text (without a trailing newline). */
export function renderWaterfall(spans: readonly ReadableSpan[], traceId: string): string[] {
  const roots = buildTree(spans, traceId);
  const rows: { depth: number; span: ReadableSpan }[] = [];
  const walk = (node: Node, depth: number) => {
    rows.push({ depth, span: node.span });
    for (const child of node.children) walk(child, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  if (rows.length === 0) return [`trace ${traceId}: no spans`];

  const from = Math.min(...rows.map((r) => ms(r.span.startTime)));
  const to = Math.max(...rows.map((r) => ms(r.span.endTime)));
  const extent = to - from;
  const labels = rows.map((r) => `${"  ".repeat(r.depth)}${r.span.name}`);
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const id = rows[0]?.span.attributes["messaging.message.id"];
  const retried = rows.filter((r) => r.span.name.startsWith("process ")).length > 1;
  const dead = rows.some((r) => r.span.name.startsWith("deadletter "));
  const story = dead ? ", dead-lettered" : retried ? ", redelivered" : "";
  const about = id === undefined ? "" : `  ${id}${story}`;
  const lines = [`trace ${traceId}${about}  ${rows.length} spans  ${extent.toFixed(1)} ms`];
  rows.forEach(({ span }, i) => {
    const start = ms(span.startTime);
    const end = ms(span.endTime);
    const duration = `${(end - start).toFixed(2)} ms`.padStart(10);
    const failed =
      span.status.code === SpanStatusCode.ERROR
        ? `  ERROR ${span.attributes["error.type"] ?? ""}`.trimEnd()
        : "";
    lines.push(
      `  ${(labels[i] as string).padEnd(labelWidth)} ${duration} │${bar(start, end, from, extent)}│${failed}`,
    );
  });
  return lines;
}
