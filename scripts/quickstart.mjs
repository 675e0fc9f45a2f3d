#!/usr/bin/env node
// The README's quick start: `npm run demo` and `npm test` on a fresh clone with only Node 20+.
// Installs what is missing (pnpm into .cache/tools, the dependencies, nats-server through
// apt-get when running as root on Debian/Ubuntu), then runs the demo or every test.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [task = "test", ...args] = process.argv.slice(2);
const say = (line) => console.log(`[helix-nats] ${line}`);

function fail(message) {
  console.error(`[helix-nats] ${message}`);
  process.exit(1);
}

function run(cmd, argv, opts = {}) {
  const result = spawnSync(cmd, argv, { stdio: "inherit", cwd: root, env: process.env, ...opts });
  if (result.error) fail(`could not run ${cmd}: ${result.error.message}`);
  return result.status ?? 1;
}

function quiet(cmd, argv) {
  try {
    return execFileSync(cmd, argv, {
      cwd: root,
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 15_000,
    })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

function checkNode() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    fail(`Node ${process.versions.node} is too old: install Node 20.19 or newer.`);
  }
}

function ensurePnpm() {
  const wanted = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager.split(
    "@",
  )[1];
  const tools = join(root, ".cache", "tools");
  process.env.PATH = [join(tools, "node_modules", ".bin"), process.env.PATH].join(delimiter);
  const current = quiet("pnpm", ["--version"]);
  if (current?.split(".")[0] === wanted.split(".")[0]) return;
  say(`installing pnpm ${wanted} into .cache/tools (no global changes)`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const status = run(
    npm,
    ["install", "--prefix", tools, "--no-save", "--no-audit", "--no-fund", `pnpm@${wanted}`],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  if (status !== 0 || quiet("pnpm", ["--version"]) === null)
    fail("could not install pnpm with npm");
}

function ensureDependencies() {
  const marker = join(root, "node_modules", ".pnpm", "lock.yaml");
  const lock = join(root, "pnpm-lock.yaml");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say("installing dependencies (pnpm install --frozen-lockfile)");
  if (run("pnpm", ["install", "--frozen-lockfile"]) !== 0) fail("pnpm install failed");
}

// The same lookup order as @helix/nats-testing's findNatsServerBinary (this script runs before
// anything is built, so it cannot import that TypeScript source).
function findNatsServer() {
  if (process.env.NATS_SERVER_BIN)
    return existsSync(process.env.NATS_SERVER_BIN) ? process.env.NATS_SERVER_BIN : null;
  const dirs = [
    ...(process.env.PATH ?? "").split(delimiter),
    "/usr/sbin",
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/bin",
  ];
  for (const dir of dirs) {
    const candidate = join(dir, "nats-server");
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

function ensureNatsServer() {
  if (process.env.NATS_URL) return say(`using the server at NATS_URL`);
  if (findNatsServer()) return;
  const isRoot = process.getuid?.() === 0;
  if (process.platform === "linux" && isRoot && quiet("sh", ["-c", "command -v apt-get"])) {
    say("installing nats-server with apt-get");
    if (
      run("apt-get", ["update", "-qq"]) === 0 &&
      run("apt-get", ["install", "-y", "-qq", "nats-server"]) === 0
    ) {
      if (findNatsServer()) return;
    }
    say("apt-get could not install nats-server");
  }
  if (quiet("docker", ["info", "--format", "{{.ServerVersion}}"])) {
    return say("no nats-server binary: tests will use Docker through @testcontainers/nats");
  }
  fail(
    [
      "nats-server is needed and could not be installed here. Install it, then run this again:",
      "  Debian/Ubuntu:  sudo apt-get install -y nats-server",
      "  macOS:          brew install nats-server",
      "  elsewhere:      https://github.com/nats-io/nats-server/releases (or set NATS_SERVER_BIN)",
      "Alternatively run Docker, or point NATS_URL at a JetStream-enabled server.",
    ].join("\n"),
  );
}

checkNode();
ensurePnpm();
ensureDependencies();
ensureNatsServer();

switch (task) {
  case "demo":
    process.exit(run("pnpm", ["--filter", "@helix/example-orders", "run", "demo", ...args]));
    break;
  case "test":
    process.exit(run("node", [join(root, "scripts", "run-tests.mjs"), ...args]));
    break;
  default:
    fail(`unknown task "${task}": use demo or test`);
}
