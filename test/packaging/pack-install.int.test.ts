// Packs every package, installs the tarballs into a fresh npm project and uses them there the way
// a new user would: an ES module and a CommonJS script against a real server, and a TypeScript
// file type-checked against the packed declarations under `nodenext` and `bundler`.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { findNatsServerBinary } from "../../packages/nats-testing/src/index.js";
import {
  addTracedFixture,
  documentedInstallLines,
  inRange,
  installChecksRunOn,
  resolvedOtel,
  runInstallLines,
} from "./documented-install.js";
import {
  createPackedProject,
  type PackedProject,
  type ProjectDir,
  repoRoot,
} from "./packed-project.js";

const names = [
  "nats-consumer",
  "nats-core",
  "nats-kv",
  "nats-otel",
  "nats-pubsub",
  "nats-stream",
  "nats-testing",
] as const;
const peersOfCore = ["nats-consumer", "nats-kv", "nats-otel", "nats-pubsub", "nats-stream"];

interface ScriptReport {
  module: "esm" | "cjs";
  resolved?: Record<string, string>;
  loaded?: string[];
  seq: number;
  fetched: unknown;
  consumed: unknown;
  kv: { revision: number; value: unknown };
  notFound: string;
  testing?: { jetstream?: boolean; skipped?: string };
  spans: string[];
  errorNames: { exported: string; cls: string; instance: string | null }[];
}

let project: PackedProject;

beforeAll(async () => {
  project = await createPackedProject();
  console.log(
    `[packaging] build ${project.timings.build} ms, pack ${project.timings.pack} ms, ` +
      `npm install ${project.timings.install} ms`,
  );
  if (project.installWarnings.trim()) {
    console.log(`[packaging] npm install warnings:\n${project.installWarnings.trim()}`);
  }
});

afterAll(async () => {
  await project?.remove();
});

async function manifest(dir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function runScript(script: string, tag: string): Promise<ScriptReport> {
  const started = performance.now();
  const stdout = await project.exec(process.execPath, [script, inject("natsUrl"), tag]);
  console.log(`[packaging] node ${script}: ${Math.round(performance.now() - started)} ms`);
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines.at(-1) ?? "") as ScriptReport;
}

/** Every exported error class of the built packages is named as it is exported, instances too. */
function expectErrorNames(report: ScriptReport): void {
  const names = report.errorNames.map((e) => e.exported);
  for (const expected of ["HelixError", "ConnectionError", "NotFoundError", "NatsTestingError"]) {
    expect(names).toContain(expected);
  }
  for (const e of report.errorNames) {
    expect({ exported: e.exported, cls: e.cls }).toEqual({ exported: e.exported, cls: e.exported });
    // ConfigError needs its reasons; every other one can be built from a message (and options,
    // or DecodeError's source).
    if (e.exported !== "ConfigError") expect(e).toMatchObject({ instance: e.exported });
  }
}

function expectWorked(report: ScriptReport, tag: string, value: unknown): void {
  expectErrorNames(report);
  expect(report.seq).toBe(1);
  expect(report.fetched).toEqual({ id: 1 });
  expect(report.consumed).toEqual({ id: 2 });
  expect(report.kv).toEqual({ revision: 1, value });
  expect(report.notFound).toBe("stream");
  // The packed otel plugin traced each kind of operation through the packed core's stack.
  expect(report.spans).toEqual(
    expect.arrayContaining([
      `stream.create PACK_${tag}`,
      `send pack.${tag}.orders`,
      `receive PACK_${tag}`,
      `process pack.${tag}.orders`,
      `ack pack.${tag}.orders`,
      `kv.put pack_${tag}`,
      `kv.get pack_${tag}`,
    ]),
  );
}

async function typecheck(config: string): Promise<string[]> {
  const started = performance.now();
  const tsc = join(project.dir, "node_modules", "typescript", "bin", "tsc");
  const stdout = await project.exec(process.execPath, [tsc, "-p", config, "--listFiles"]);
  console.log(`[packaging] tsc -p ${config}: ${Math.round(performance.now() - started)} ms`);
  const files = stdout
    .split("\n")
    .filter((file) => file.includes("/node_modules/@helix/"))
    .map((file) => file.slice(file.indexOf("/node_modules/@helix/") + 1))
    .sort();
  // Every @helix file TypeScript read is a built declaration (entries, and the chunks that code
  // splitting shares between two entries), never a source file.
  expect(
    files.filter((file) => !/^node_modules\/@helix\/[^/]+\/dist\/[^/]+\.d\.c?ts$/.test(file)),
  ).toEqual([]);
  return files.filter((file) => /\/dist\/index\.d\.c?ts$/.test(file));
}

const uniqueTag = () => `${process.pid}${Date.now().toString(36)}`;

describe("the packed packages in a fresh npm project", () => {
  it("installs @opentelemetry/api at the floor of nats-otel's peer range, for every run below", async () => {
    const api = await manifest(join(project.dir, "node_modules", "@opentelemetry", "api"));
    expect(project.otelApi).toBe("1.4.0");
    expect(api.version).toBe(project.otelApi);
  });

  it("packs every package, with real versions in place of workspace ranges", async () => {
    const packages = await readdir(join(repoRoot, "packages"));
    expect(project.tarballs.map((t) => t.name).sort()).toEqual(
      packages.map((name) => `@helix/${name}`).sort(),
    );
    expect([...names]).toEqual(packages.sort());
    const core = await manifest(join(project.dir, "node_modules", "@helix", "nats-core"));

    for (const name of names) {
      const dir = join(project.dir, "node_modules", "@helix", name);
      const packed = await manifest(dir);
      expect(JSON.stringify(packed)).not.toContain("workspace:");
      if (peersOfCore.includes(name)) {
        expect(packed.peerDependencies).toMatchObject({ "@helix/nats-core": `^${core.version}` });
      }
      const files = (await filesUnder(dir)).map((file) => file.slice(dir.length + 1));
      expect(files).toEqual(
        expect.arrayContaining([
          "dist/index.js",
          "dist/index.cjs",
          "dist/index.d.ts",
          "dist/index.d.cts",
          "README.md",
          "LICENSE",
        ]),
      );
      expect(files.filter((file) => file.includes(".test."))).toEqual([]);
      // One copy of core in the app: npm resolved every peer to the top-level install.
      expect(files.filter((file) => file.startsWith("node_modules/@helix/"))).toEqual([]);
    }
  });

  it("runs an ES module that publishes, fetches, consumes, uses KV and the otel plugin", async () => {
    const tag = `esm${uniqueTag()}`;
    const report = await runScript("esm.mjs", tag);
    expect(report.module).toBe("esm");
    expectWorked(report, tag, { hello: "esm" });
    // Node resolved each package to its ESM build, never to the TypeScript source.
    for (const name of names) {
      expect(report.resolved?.[name]).toBe(
        join(project.dir, "node_modules", "@helix", name, "dist", "index.js"),
      );
    }
    // The packed @helix/nats-testing starts a server of its own where nats-server is installed.
    const expected = findNatsServerBinary()
      ? { jetstream: true }
      : { skipped: "no nats-server binary" };
    expect(report.testing).toEqual(expected);
  });

  it("runs a CommonJS script that loads only the packages' CommonJS builds", async () => {
    const tag = `cjs${uniqueTag()}`;
    const report = await runScript("cjs.cjs", tag);
    expect(report.module).toBe("cjs");
    expectWorked(report, tag, { hello: "cjs" });
    // Every @helix module in require.cache, including the peers' own require of core, is a
    // CommonJS build under dist (an entry, or a chunk two entries share): one copy of each entry,
    // no source files.
    const loaded = report.loaded ?? [];
    expect(loaded.filter((file) => !/\/dist\/[^/]+\.cjs$/.test(file))).toEqual([]);
    expect(loaded.filter((file) => file.endsWith("/dist/index.cjs")).sort()).toEqual(
      names.map((name) => join(project.dir, "node_modules", "@helix", name, "dist", "index.cjs")),
    );
  });

  it("type-checks against the packed declarations with moduleResolution nodenext", async () => {
    // types-esm.mts resolves through the import condition, types-cjs.cts through require.
    const declarations = await typecheck("tsconfig.nodenext.json");
    expect(declarations).toEqual(
      names
        .flatMap((name) => [
          `node_modules/@helix/${name}/dist/index.d.cts`,
          `node_modules/@helix/${name}/dist/index.d.ts`,
        ])
        .sort(),
    );
  });

  it("type-checks against the packed declarations with moduleResolution bundler", async () => {
    const declarations = await typecheck("tsconfig.bundler.json");
    expect(declarations).toEqual(
      names.map((name) => `node_modules/@helix/${name}/dist/index.d.ts`).sort(),
    );
  });
});

interface TracedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  status: number;
  errorType: string | undefined;
}

/**
 * `npm ls` finds no unmet range in `app`, which holds one `@opentelemetry/api`, inside both the
 * SDK's peer range and nats-otel's.
 */
async function expectOneCompatibleApi(app: ProjectDir, what: string): Promise<void> {
  const resolved = await resolvedOtel(app);
  console.log(`[packaging] ${what} resolved ${JSON.stringify(resolved)}`);
  const [api = ""] = resolved.apiVersions;
  const sdkApi = resolved.sdkNode?.api ?? "";
  expect({
    apiVersions: resolved.apiVersions,
    natsOtelApi: resolved.natsOtelApi,
    inSdkRange: inRange(api, sdkApi),
    inPluginRange: inRange(api, "^1.4.0"),
  }).toEqual({ apiVersions: [api], natsOtelApi: "^1.4.0", inSdkRange: true, inPluginRange: true });
}

// The READMEs' own `npm install` lines, run as written into empty projects: the OpenTelemetry API
// and SDK come from the npm registry, resolved by npm as a user's would be.
describe("the install lines of the READMEs, run with npm as written", () => {
  const runsHere = () => installChecksRunOn(inject("natsServerVersion"));

  it("the root README's lines, in order: npm exits 0 on each, one @opentelemetry/api that the SDK and nats-otel accept, and a traced service records through the SDK (npm only, not the server: runs in the floor version's project alone)", async (ctx) => {
    if (!runsHere()) ctx.skip();
    const lines = await documentedInstallLines("README.md", "## Packages");
    // The traced line brings the SDK with the API, in the same command.
    expect(lines).toContainEqual([
      "@helix/nats-otel",
      "@opentelemetry/api",
      "@opentelemetry/sdk-node",
    ]);
    const app = await project.emptyProject("root-readme");
    const runs = await runInstallLines(app, lines, project.tarballs);
    for (const run of runs) console.log(`[packaging] ${run.line}: ${run.ms} ms`);

    await expectOneCompatibleApi(app, "root README");

    // The otel README's usage on what npm resolved: the SDK registered first, then otel() with
    // its defaults; a handler that throws a plain Error.
    const tag = `traced${uniqueTag()}`;
    const started = performance.now();
    const stdout = await app.exec(process.execPath, [
      await addTracedFixture(app),
      inject("natsUrl"),
      tag,
    ]);
    console.log(`[packaging] node traced.mjs: ${Math.round(performance.now() - started)} ms`);
    const spans = (JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as { spans: TracedSpan[] })
      .spans;
    const named = (name: string) => spans.filter((span) => span.name === name);
    const [send] = named(`send traced.${tag}.orders`);
    const [processed] = named(`process traced.${tag}.orders`);
    const [nak] = named(`nak traced.${tag}.orders`);
    // [kind, trace, parent, status, error.type]. Kinds: CLIENT 2, PRODUCER 3, CONSUMER 4.
    // Status: UNSET 0, ERROR 2. The process span is the producer's child, in its trace.
    const shape = (s?: TracedSpan) => [
      s?.kind,
      s?.traceId,
      s?.parentSpanId,
      s?.status,
      s?.errorType,
    ];
    expect([send, processed, nak].map(shape)).toEqual([
      [3, send?.traceId, undefined, 0, undefined],
      [4, send?.traceId, send?.spanId, 2, "Error"],
      [2, send?.traceId, processed?.spanId, 0, undefined],
    ]);
    expect(send?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(spans.map((span) => span.name)).toEqual([
      `stream.create TRACED_${tag}`,
      `send traced.${tag}.orders`,
      `consumer.create TRACED_${tag}`,
      `nak traced.${tag}.orders`,
      `process traced.${tag}.orders`,
      `stream.delete TRACED_${tag}`,
    ]);
  });

  it("the otel README's line: npm exits 0, one @opentelemetry/api that the SDK and nats-otel accept (npm only, not the server: runs in the floor version's project alone)", async (ctx) => {
    if (!runsHere()) ctx.skip();
    const lines = await documentedInstallLines("packages/nats-otel/README.md");
    expect(lines).toEqual([
      ["@helix/nats-core", "@helix/nats-otel", "@opentelemetry/api", "@opentelemetry/sdk-node"],
    ]);
    const app = await project.emptyProject("otel-readme");
    const [run] = await runInstallLines(app, lines, project.tarballs);
    console.log(`[packaging] ${run?.line}: ${run?.ms} ms`);

    await expectOneCompatibleApi(app, "otel README");
  });
});
