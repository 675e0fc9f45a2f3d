// The orders demo: a producer publishes orders, a worker processes them (a few fail on purpose and
// are redelivered) and records each order's state in a KV bucket, a watcher follows those states,
// and the end fetches a summary and proves that nothing was lost. Tracing and metrics go through
// @helix/nats-otel; a waterfall of one trace and a metrics summary are printed at the end.
// This file parses the flags and wires the parts together; each part has its own file.
import { type Connection, connect, isHelixError, NotFoundError } from "@helix/nats-core";
import { createKeyValueManager } from "@helix/nats-kv";
import { otel } from "@helix/nats-otel";
import { createStreamManager } from "@helix/nats-stream";
import { startServer } from "@helix/nats-testing";
import { type DemoArgs, parseDemoArgs, USAGE, UsageError, withoutCredentials } from "./args.js";
import { Cleanup } from "./cleanup.js";
import { renderMetricsSummary } from "./metrics-summary.js";
import { namesFor } from "./order.js";
import { pricingSubject, startPricing } from "./pricing.js";
import { produceOrders } from "./producer.js";
import { createProgress } from "./progress.js";
import { producerLine, resultLine, summaryLines, watcherLine, workerLines } from "./report.js";
import { fetchDoneEvents, readDeadLetters, readFinalStates, reconcile } from "./summary.js";
import { setupTelemetry } from "./telemetry.js";
import { interruptible, waitForProgress } from "./wait.js";
import { watchStates } from "./watcher.js";
import { pickTrace, renderWaterfall } from "./waterfall.js";
import { startWorker } from "./worker.js";

const SERVICE = "orders-demo";
/** How long the run may go without a single order being processed before it gives up. */
const STALL_MS = 20_000;
/** Longest wait for the connection's drain at the end. */
const DRAIN_TIMEOUT_MS = 3_000;
/** A second SIGINT within this long of the first is the same Ctrl-C. */
const DOUBLE_SIGNAL_MS = 1_000;

/** Drains the connection; closes it when the drain fails or takes too long (a server gone). */
async function drainOrClose(conn: Connection): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    conn.drain().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (!drained) await conn.close();
}

/** Runs the demo; resolves with the result line (the last line printed) and the exit code. */
async function runDemo(
  args: DemoArgs,
  interrupted: AbortSignal,
  cleanup: Cleanup,
): Promise<{ result: string; code: number }> {
  const log = (line = "") => console.log(line);
  // Each long step gives way to Ctrl-C at once; the cleanup then takes everything down.
  const step = <T>(work: Promise<T>) => interruptible(work, interrupted);
  log(`helix-nats orders demo: ${args.count} orders, ${args.concurrency} handlers in flight`);

  const existing = process.env.NATS_URL;
  let url: string;
  if (existing) {
    url = existing;
    log(`nats-server: using NATS_URL`);
  } else {
    const server = await startServer();
    const pid = server.pid;
    cleanup.add("stop nats-server", async () => {
      await server.stop();
      log(`stopped nats-server (pid ${pid}, port ${server.port})`);
    });
    url = server.url;
    log(
      `nats-server ${server.version} started for this run: pid ${server.pid}, port ${server.port}`,
    );
  }
  interrupted.throwIfAborted();

  const telemetry = setupTelemetry(SERVICE, args.otlp);
  const collector = args.otlp === undefined ? undefined : withoutCredentials(args.otlp);
  cleanup.add(collector ? `export telemetry to ${collector}` : "flush telemetry", () =>
    telemetry.shutdown(),
  );
  if (telemetry.otlp) log(`telemetry: exporting traces and metrics to ${collector} (OTLP/HTTP)`);

  const conn: Connection = await connect({
    addresses: [url],
    name: SERVICE,
    plugins: [
      otel({
        tracerProvider: telemetry.tracerProvider,
        meterProvider: telemetry.meterProvider,
        propagator: telemetry.propagator,
      }),
    ],
  });
  cleanup.add("close the connection", () => drainOrClose(conn));

  const names = namesFor(Date.now().toString(36));
  const streams = createStreamManager(conn);
  await step(streams.create({ name: names.stream, subjects: [`${names.stream}.>`] }));
  // On a server of our own, the stream and bucket go with it; on NATS_URL, delete them.
  if (existing) cleanup.add("delete the stream", () => streams.delete(names.stream));
  const buckets = createKeyValueManager(conn);
  const state = await step(buckets.create({ bucket: names.bucket }));
  if (existing) cleanup.add("delete the bucket", () => buckets.delete(names.bucket));
  // The worker's consume creates the dead-letter stream on its first dead letter.
  if (existing)
    cleanup.add("delete the dead-letter stream", () =>
      streams.delete(names.deadLetters).catch((err: unknown) => {
        if (!(err instanceof NotFoundError)) throw err;
      }),
    );
  log(`stream ${names.stream} (${names.created}, ${names.done}), bucket ${names.bucket}`);
  startPricing(conn, names); // core NATS request/reply; conn.drain() stops it last
  log(`pricing service on ${pricingSubject(names)}`);

  // Watcher and worker first, then the producer: the pipeline runs while orders arrive.
  const progress = createProgress(args.count);
  let published = 0;
  let processed = 0;
  const watcher = await watchStates(state, (line) => progress.log(line));
  // `processed` here counts the orders handled: processed, or stored as dead letters.
  const worker = await startWorker(conn, names, state, args.concurrency, (n) => {
    processed = n;
    progress.update(published, processed);
  });
  // Interrupted: stop at once (the server may be gone: Ctrl-C in a terminal reaches it too).
  cleanup.add("stop the worker", async () => {
    if (interrupted.aborted) worker.consuming.stop();
    else await worker.consuming.drain();
  });
  cleanup.add("stop the watcher", () => watcher.stop());
  worker.consuming.closed.catch(() => {}); // a consume that ends on an error is reported below

  const produced = await step(
    produceOrders(
      conn,
      names.created,
      args.count,
      (n) => {
        published = n;
        progress.update(published, processed);
      },
      interrupted,
    ),
  );
  const outcome = await waitForProgress({
    done: () => processed >= produced.acked.size,
    progress: () => processed,
    stallMs: STALL_MS,
    signal: interrupted,
    ended: worker.consuming.closed,
  });
  progress.finish();
  await step(worker.consuming.drain());
  const seen = await step(watcher.stop());

  log(producerLine(produced));
  for (const line of workerLines(worker.stats, outcome === "stalled" ? STALL_MS / 1000 : undefined))
    log(line);
  log(watcherLine(seen));

  const done = await step(fetchDoneEvents(conn, names));
  const states = await step(readFinalStates(state));
  const dead = await step(readDeadLetters(conn, names));
  const result = reconcile(args.count, states, done, dead);
  for (const line of summaryLines(done, states, result, dead, names.deadLetters)) log(line);

  log();
  const traceId = pickTrace(telemetry.spans());
  if (traceId) {
    for (const line of renderWaterfall(telemetry.spans(), traceId)) log(line);
    if (telemetry.otlp) log(`  (exported: in Jaeger, http://localhost:16686/trace/${traceId})`);
  } else {
    log("no complete trace was recorded");
  }
  log();
  log("metrics");
  for (const line of renderMetricsSummary(await telemetry.collectMetrics(), names)) log(line);
  log();

  return {
    result: resultLine(result, worker.stats.redelivered),
    code: result.lost.length === 0 ? 0 : 1,
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let args: DemoArgs;
  try {
    args = parseDemoArgs(argv, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`orders demo: ${err.message}\nRun with --help for the options.`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }

  const interrupt = new AbortController();
  let interruptedAt = 0;
  const onSigint = () => {
    if (interrupt.signal.aborted) {
      // One Ctrl-C can arrive twice: from the terminal, and forwarded by a parent process.
      if (performance.now() - interruptedAt < DOUBLE_SIGNAL_MS) return;
      process.exit(130); // a second Ctrl-C: leave at once
    }
    interruptedAt = performance.now();
    console.log("\ninterrupted: cleaning up (Ctrl-C again to quit at once)");
    interrupt.abort();
  };
  process.on("SIGINT", onSigint);
  const cleanup = new Cleanup();
  let outcome: { result: string; code: number } | undefined;
  let failure: unknown;
  try {
    outcome = await runDemo(args, interrupt.signal, cleanup);
  } catch (err) {
    failure = err;
  }
  const cleanupFailures = await cleanup.run();
  process.off("SIGINT", onSigint);
  for (const line of cleanupFailures) console.error(`cleanup failed: ${line}`);

  if (interrupt.signal.aborted) {
    console.log(
      cleanupFailures.length === 0
        ? "interrupted: everything was cleaned up"
        : `interrupted: cleaned up, except for ${cleanupFailures.length} step(s) that failed`,
    );
    // Work abandoned at the interrupt (publishes awaiting acks) may still hold timers.
    process.exit(130);
  }
  if (outcome === undefined) {
    // helix-nats errors say what went wrong and what to do; anything else gets its stack.
    const detail = isHelixError(failure)
      ? `${failure.name}: ${failure.message}`
      : failure instanceof Error
        ? failure.stack
        : String(failure);
    console.error(`orders demo failed: ${detail}`);
    return 1;
  }
  console.log(outcome.result);
  return outcome.code;
}

process.exitCode = await main(process.argv.slice(2));
