// The demo, run as a user runs it (`npm run demo`): a child process with the example's tsx and the
// source condition. Checks what it prints and that it cleans up after itself.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { connect as connectTcp } from "node:net";
import { gunzipSync } from "node:zlib";
import { connect, NotFoundError } from "@helix/nats-core";
import { createKeyValueManager } from "@helix/nats-kv";
import { createStreamManager } from "@helix/nats-stream";
import { describe, expect, inject, it } from "vitest";
import { type DemoRun, parseResult, runDemo, waterfallOf } from "./run-demo.js";

const COUNT = 60;

/** Resolves with the error code of a TCP connection attempt, or "connected". */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Everything a successful run of COUNT orders must show. */
function expectCompleteRun(run: DemoRun): { stream: string; redelivered: number } {
  expect(run.code, run.stdout + run.stderr).toBe(0);
  // Order 13 is always declined: retried, then dead-lettered. Every other order is processed.
  expect(run.last).toMatch(
    new RegExp(
      `^${COUNT} orders, ${COUNT - 1} processed, 1 dead-lettered, \\d+ redelivered, 0 lost$`,
    ),
  );
  const result = parseResult(run.last);
  // Order 7 (and 90, 173, …) fail on their first delivery, order 13 on its three: with 60 orders,
  // 1 + 2 redeliveries.
  expect(result?.redelivered).toBe(3);
  const redelivered = result?.redelivered ?? 0;

  const stream = /^stream (ORDERS_\w+) /m.exec(run.stdout)?.[1];
  expect(stream).toBeDefined();

  // One trace, indented by parent: the dead-lettered order's. Its send at the root, its three
  // failed deliveries under it (KV put and nak, then KV put, dead letter and term on the last).
  const waterfall = waterfallOf(run);
  expect(waterfall[0]).toMatch(/^trace [0-9a-f]{32} {2}order-13, dead-lettered {2}11 spans /);
  const spans = waterfall.slice(1);
  expect(spans.some((l) => /^ {2}send \S+\.created +\d+\.\d\d ms │/.test(l))).toBe(true);
  expect(spans.filter((l) => /^ {4}process .*ERROR PaymentDeclinedError$/.test(l))).toHaveLength(3);
  expect(spans.filter((l) => /^ {6}kv\.put \S+_state +\d+\.\d\d ms │/.test(l))).toHaveLength(3);
  expect(spans.filter((l) => /^ {6}nak /.test(l))).toHaveLength(2);
  expect(
    spans.filter((l) => /^ {6}deadletter DEAD_LETTERS_\S+ +\d+\.\d\d ms │/.test(l)),
  ).toHaveLength(1);
  expect(spans.filter((l) => /^ {6}term \S+\.created /.test(l))).toHaveLength(1);
  // The summary shows the dead letter and why.
  expect(run.stdout).toContain(`dead      1 in DEAD_LETTERS_${stream}:`);
  expect(run.stdout).toContain(
    "order 13 after 3 deliveries (max_deliver): PaymentDeclinedError: payment for order 13 declined (attempt 3)",
  );

  // Metrics from the SDK's reader: every order sent once, consumed once per delivery.
  const sent = new RegExp(
    `^ {2}sent +(\\d+) to ${stream}\\.created, (\\d+) to ${stream}\\.done$`,
    "m",
  ).exec(run.stdout);
  expect(sent?.slice(1).map(Number)).toEqual([COUNT, COUNT - 1]);
  const consumed = new RegExp(
    `^ {2}consumed +(\\d+) from ${stream}\\.created .*, (\\d+) fetched$`,
    "m",
  ).exec(run.stdout);
  expect(consumed?.slice(1).map(Number)).toEqual([COUNT + redelivered, COUNT - 1]);
  expect(run.stdout).toContain(`  dead      1 to DEAD_LETTERS_${stream}\n`);
  expect(run.stdout).toMatch(/^ {2}process +p50 ≈ \d+\.\d\d ms, p99 ≈ \d+\.\d\d ms/m);

  // The summary fetched every "done" event and found every other order processed in the bucket.
  expect(run.stdout).toMatch(
    new RegExp(`fetched ${COUNT - 1} done events .*KV: ${COUNT - 1} of ${COUNT} orders processed`),
  );
  return { stream: stream as string, redelivered };
}

describe("orders demo", () => {
  it("runs against its own nats-server, prints a waterfall and metrics, and stops the server", async () => {
    const run = await runDemo(["--count", String(COUNT)]);
    expectCompleteRun(run);
    const started = /^nats-server \S+ started for this run: pid (\d+), port (\d+)$/m.exec(
      run.stdout,
    );
    expect(started).not.toBeNull();
    const [pid, port] = [Number(started?.[1]), Number(started?.[2])];
    expect(run.stdout).toContain(`stopped nats-server (pid ${pid}, port ${port})`);
    expect(processExists(pid)).toBe(false);
    expect(await tryConnect(port)).toBe("ECONNREFUSED");
  });

  it("uses NATS_URL when set, and deletes its stream, bucket and dead-letter stream there", async () => {
    const url = inject("natsUrl");
    const run = await runDemo(["--count", String(COUNT), "--concurrency", "3"], {
      env: { NATS_URL: url },
    });
    expect(run.stdout).toContain("nats-server: using NATS_URL");
    expect(run.stdout).not.toContain("started for this run");
    const { stream } = expectCompleteRun(run);

    await using conn = await connect({ addresses: [url], name: "demo-test" });
    await expect(createStreamManager(conn).get(stream)).rejects.toBeInstanceOf(NotFoundError);
    await expect(createStreamManager(conn).get(`DEAD_LETTERS_${stream}`)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(createKeyValueManager(conn).get(`${stream}_state`)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("exports traces and metrics to an OTLP/HTTP collector with --otlp", async () => {
    const posts: { path: string; body: unknown }[] = [];
    const read = async (req: IncomingMessage) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      const text = (req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString(
        "utf8",
      );
      return JSON.parse(text) as unknown;
    };
    const collector = createServer((req, res) => {
      read(req).then(
        (body) => {
          if (req.method === "POST") posts.push({ path: req.url ?? "", body });
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
        },
        () => res.writeHead(400).end(),
      );
    });
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = collector.address() as AddressInfo;
      const run = await runDemo(["--count", String(COUNT), "--otlp", `http://127.0.0.1:${port}`]);
      expectCompleteRun(run);
      expect(run.stdout).toContain(`exporting traces and metrics to http://127.0.0.1:${port}`);

      type Traces = {
        resourceSpans?: { scopeSpans?: { spans?: { name: string; traceId: string }[] }[] }[];
      };
      const spans = posts
        .filter((p) => p.path === "/v1/traces")
        .flatMap((p) => (p.body as Traces).resourceSpans ?? [])
        .flatMap((r) => r.scopeSpans ?? [])
        .flatMap((s) => s.spans ?? []);
      const names = new Set(spans.map((s) => s.name.split(" ")[0]));
      for (const name of ["send", "process", "ack", "nak", "kv.put", "receive", "stream.create"]) {
        expect(names, name).toContain(name);
      }
      expect(
        spans.filter((s) => s.name.endsWith(".created") && s.name.startsWith("send ")),
      ).toHaveLength(COUNT);

      type Metrics = { resourceMetrics?: { scopeMetrics?: { metrics?: { name: string }[] }[] }[] };
      const metricNames = new Set(
        posts
          .filter((p) => p.path === "/v1/metrics")
          .flatMap((p) => (p.body as Metrics).resourceMetrics ?? [])
          .flatMap((r) => r.scopeMetrics ?? [])
          .flatMap((s) => s.metrics ?? [])
          .map((m) => m.name),
      );
      expect(metricNames).toContain("messaging.process.duration");
      expect(metricNames).toContain("messaging.client.sent.messages");
      expect(metricNames).toContain("messaging.client.consumed.messages");
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
  });

  it("cleans up on Ctrl-C: stops its server and exits 130", async () => {
    let interruptedAt = 0;
    const run = await runDemo(["--count", "200000"], {
      detached: true,
      onStdout(stdout, child) {
        // Once orders are flowing, Ctrl-C as a terminal sends it: to the whole process group.
        if (interruptedAt === 0 && /^ {2}watch /m.test(stdout) && child.pid !== undefined) {
          interruptedAt = performance.now();
          process.kill(-child.pid, "SIGINT");
        }
      },
    });
    const cleanupMs = performance.now() - interruptedAt;
    console.log(`demo exited ${cleanupMs.toFixed(0)} ms after SIGINT`);
    expect(interruptedAt).toBeGreaterThan(0);
    expect(run.code, run.stdout + run.stderr).toBe(130);
    expect(run.stdout).toContain("interrupted: cleaning up");
    expect(run.last).toBe("interrupted: everything was cleaned up");
    expect(run.stderr).not.toContain("cleanup failed");
    const started = /^nats-server \S+ started for this run: pid (\d+), port (\d+)$/m.exec(
      run.stdout,
    );
    const [pid, port] = [Number(started?.[1]), Number(started?.[2])];
    expect(processExists(pid)).toBe(false);
    expect(await tryConnect(port)).toBe("ECONNREFUSED");
    expect(cleanupMs).toBeLessThan(30_000);
  });

  it("on SIGINT with NATS_URL, deletes its stream and bucket from that server", async () => {
    const url = inject("natsUrl");
    let sent = false;
    const run = await runDemo(["--count", "200000"], {
      env: { NATS_URL: url },
      onStdout(stdout, child) {
        if (!sent && /^ {2}watch /m.test(stdout)) {
          sent = true;
          child.kill("SIGINT"); // the demo only: the shared server stays up
        }
      },
    });
    expect(run.code, run.stdout + run.stderr).toBe(130);
    expect(run.stderr).not.toContain("cleanup failed");
    const stream = /^stream (ORDERS_\w+) /m.exec(run.stdout)?.[1] as string;
    expect(stream).toBeDefined();
    await using conn = await connect({ addresses: [url], name: "demo-test" });
    await expect(createStreamManager(conn).get(stream)).rejects.toBeInstanceOf(NotFoundError);
    await expect(createKeyValueManager(conn).get(`${stream}_state`)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("prints usage with --help and rejects a bad flag with exit code 2", async () => {
    const help = await runDemo(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run demo -- \[options\]/);
    expect(help.stdout).toContain("--otlp <url>");

    const bad = await runDemo(["--count", "many"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--count must be a whole number from 1 to 1000000, got "many"');
    expect(bad.stdout).not.toContain("nats-server");
  });
});
