// The import graph of the repository's TypeScript sources, read from the files themselves (no
// tool to install): every static `import`/`export … from` and dynamic `import("…")`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** One source file and the specifiers it imports. */
export interface SourceFile {
  /** Path relative to the repository root, e.g. `packages/nats-kv/src/handle.ts`. */
  readonly path: string;
  /** Every specifier it imports, as written. */
  readonly imports: readonly string[];
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^;]*?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Every `.ts` file under `dir` (relative to `root`), skipping node_modules, dist and dot dirs. */
export function sourceFiles(root: string, dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (abs: string): void => {
    for (const name of readdirSync(abs)) {
      if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
      const full = join(abs, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) {
        const text = readFileSync(full, "utf8");
        const imports = [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2]) as string);
        out.push({ path: relative(root, full), imports });
      }
    }
  };
  walk(join(root, dir));
  return out;
}

/** The repository path a relative specifier points at (`./x.js` → `…/x.ts`), else `undefined`. */
export function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const target = join(dirname(from), specifier).replace(/\.js$/, ".ts");
  return target.endsWith(".ts") ? target : `${target}.ts`;
}

/**
 * The import cycles among `files` (relative imports only), each as the list of files around
 * it. Empty when the graph is acyclic.
 */
export function findCycles(files: readonly SourceFile[]): string[][] {
  const known = new Set(files.map((f) => f.path));
  const edges = new Map<string, string[]>();
  for (const file of files) {
    edges.set(
      file.path,
      file.imports
        .map((s) => resolveRelative(file.path, s))
        .filter((t): t is string => t !== undefined && known.has(t)),
    );
  }
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "open");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of edges.keys()) if (state.get(node) === undefined) visit(node);
  return cycles;
}

/** The repository root (this file is `test/architecture/import-graph.ts`). */
export const repoRoot = resolve(import.meta.dirname, "..", "..");
