// Compares two CPU profiles of the suite (`BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR"`):
// the self time per function of run B minus run A, per operation. Profile A with
// `--variants=none` (the raw client only) and B with `--variants=helix` (raw + helix), same
// case and rounds: the difference is what the helix variant spends, function by function.
//
//   node profile-diff.mjs /tmp/prof/raw /tmp/prof/helix <operations measured by the variant>
import { readdirSync, readFileSync } from "node:fs";

function selfTimes(dir) {
  const file = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .sort()
    .pop();
  const profile = JSON.parse(readFileSync(`${dir}/${file}`, "utf8"));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const usPerSample = (profile.endTime - profile.startTime) / profile.samples.length;
  const self = new Map();
  for (const id of profile.samples) {
    const frame = nodes.get(id).callFrame;
    const where = frame.url
      .replace(/.*node_modules\/\.pnpm\/([^/]+)\/.*/, "$1")
      .replace(/.*\//, "");
    const key = `${frame.functionName || "(anonymous)"} ${where}:${frame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + usPerSample);
  }
  return self;
}

const [dirA, dirB, ops, top = "40"] = process.argv.slice(2);
if (!dirA || !dirB || !ops) {
  console.error("usage: node profile-diff.mjs <profile dir A> <profile dir B> <operations> [top]");
  process.exit(2);
}
const a = selfTimes(dirA);
const b = selfTimes(dirB);
const rows = [...new Set([...a.keys(), ...b.keys()])]
  .map((k) => [k, ((b.get(k) ?? 0) - (a.get(k) ?? 0)) / Number(ops)])
  .sort((x, y) => y[1] - x[1]);
const total = rows.reduce((sum, [, us]) => sum + us, 0);
console.log(`B - A: ${total.toFixed(2)} µs per operation (wall-clock samples, idle included)`);
for (const [k, us] of rows.slice(0, Number(top))) console.log(`${us.toFixed(2).padStart(8)}  ${k}`);
