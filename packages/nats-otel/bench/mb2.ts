const N = 300_000;
async function time(label: string, f: () => Promise<unknown>) {
  for (let i = 0; i < 5000; i++) await f();
  const s = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await f();
  console.log(label, (Number(process.hrtime.bigint() - s) / N).toFixed(0), "ns");
}
const terminal = () => Promise.resolve(undefined);
const mw = (o: unknown, n: () => Promise<unknown>) => n();
const chain = [{ name: "p", middleware: mw }];
function run(op: unknown, t: () => Promise<unknown>) {
  const dispatch = (i: number): Promise<unknown> => {
    if (i === chain.length) return t();
    const entry = chain[i]!;
    let called = false;
    const next = () => { if (called) return Promise.reject(new Error("x")); called = true; return dispatch(i + 1); };
    try { return entry.middleware(op, next); } catch (err) { return Promise.reject(err); }
  };
  return dispatch(0);
}
function runNoTry(op: unknown, t: () => Promise<unknown>) {
  const dispatch = (i: number): Promise<unknown> => {
    if (i === chain.length) return t();
    const entry = chain[i]!;
    return entry.middleware(op, () => dispatch(i + 1));
  };
  return dispatch(0);
}
for (let r = 0; r < 2; r++) {
  await time("plain terminal", () => terminal());
  await time("copy of run", () => run({}, terminal));
  await time("no try", () => runNoTry({}, terminal));
  await time("direct", () => mw({}, terminal));
}
