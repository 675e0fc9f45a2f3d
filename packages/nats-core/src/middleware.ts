import { ConfigError, MiddlewareError } from "./errors.js";
import type { Operation } from "./operations.js";

/**
 * A middleware wraps every operation of a connection. It may inspect or change the operation,
 * run code before and after `next()`, run `next()` inside an async context, or throw.
 * It must call `next()` at most once.
 */
export type Middleware = <T>(op: Operation, next: () => Promise<T>) => Promise<T>;

/**
 * The promise an operation's call answers with when it completed synchronously: one shared,
 * already resolved promise (a consumed message handled and acked, an ack queued). A middleware
 * that passes `next()`'s result on unchanged keeps it; one that compares `next()`'s result with
 * it can finish at once instead of a microtask later (the otel plugin does), and the caller then
 * skips a promise per operation too. Never rejects; resolves with `undefined`.
 */
export const COMPLETED: Promise<void> = Promise.resolve();

/** Where a middleware goes in the stack. */
export interface MiddlewarePlacement {
  /** Unique name within the stack. */
  name: string;
  /** Place it just before (outside of) the middleware with this name. */
  before?: string;
  /** Place it just after (inside of) the middleware with this name. */
  after?: string;
  /**
   * Says, before each operation, that the middleware has nothing to do right now (a tracing
   * plugin with no SDK registered, say). While it returns `true` the stack does not call the
   * middleware at all, and when every middleware is idle (`MiddlewareStack.idle()`), the
   * packages take their no-middleware road on hot paths: no operation object is built for a
   * consumed message, an ack or a core NATS publish. It runs once per operation (and once per
   * message on those paths), so it must be cheap and must not throw; a check that throws counts
   * as "not idle". Without it the middleware is never idle.
   */
  idle?: () => boolean;
}

/** A feature that installs one or more middlewares into a connection's stack. */
export interface Plugin {
  /** The plugin's name, non-empty and unique per connection (a second one is a `ConfigError`). */
  name: string;
  /** Adds the plugin's middleware to `stack` (called once per connection). */
  install(stack: MiddlewareStack): void;
}

interface Entry {
  readonly name: string;
  readonly middleware: Middleware;
  readonly idle: (() => boolean) | undefined;
}

/**
 * The ordered list of middlewares of one connection. The first added is the outermost.
 * Adding or removing swaps in a new array, so operations already running keep the chain
 * they started with and a failing middleware can never leave the stack half-changed.
 */
export class MiddlewareStack {
  #entries: readonly Entry[] = [];

  /** Names of the middlewares, outermost first. */
  get names(): string[] {
    return this.#entries.map((e) => e.name);
  }

  /** Number of middlewares. */
  get size(): number {
    return this.#entries.length;
  }

  /** True when a middleware with this name is installed. */
  has(name: string): boolean {
    return this.#entries.some((e) => e.name === name);
  }

  /**
   * Adds a middleware. Without `before`/`after` it goes innermost (last). Throws a `ConfigError`
   * when the name is taken, both `before` and `after` are given, or the one they name is absent.
   */
  add(middleware: Middleware, placement: MiddlewarePlacement): this {
    const { name, before, after, idle } = placement ?? ({} as MiddlewarePlacement);
    const problems: string[] = [];
    if (typeof middleware !== "function") problems.push("middleware must be a function");
    if (idle !== undefined && typeof idle !== "function") problems.push("idle must be a function");
    if (typeof name !== "string" || name.trim() === "")
      problems.push("middleware needs a non-empty name");
    else if (this.has(name)) problems.push(`a middleware named "${name}" is already installed`);
    if (before !== undefined && after !== undefined)
      problems.push("give either before or after, not both");
    const anchor = before ?? after;
    const index =
      anchor === undefined
        ? this.#entries.length
        : this.#entries.findIndex((e) => e.name === anchor);
    if (anchor !== undefined && index < 0)
      problems.push(`no middleware named "${anchor}" to place it next to`);
    if (problems.length > 0) {
      throw new ConfigError(
        problems.map((message) => ({ message, path: ["middleware", String(name)] })),
        { subject: "middleware" },
      );
    }
    const at = after !== undefined ? index + 1 : index;
    const entries = [...this.#entries];
    entries.splice(at, 0, { name, middleware, idle });
    this.#set(entries);
    return this;
  }

  /** Removes the middleware with this name; returns whether one was removed. */
  remove(name: string): boolean {
    const entries = this.#entries.filter((e) => e.name !== name);
    if (entries.length === this.#entries.length) return false;
    this.#set(entries);
    return true;
  }

  /**
   * True when no middleware has anything to do right now: the stack is empty, or every
   * middleware was added with an `idle` check that returns `true`. Hot paths ask this once per
   * message and then skip the stack (and building the operation) altogether.
   */
  idle(): boolean {
    const chain = this.#entries;
    for (let i = 0; i < chain.length; i++) {
      if (!isIdle(chain[i] as Entry)) return false;
    }
    return true;
  }

  /**
   * Runs `operation` through every middleware, outermost first, then `terminal` (the real call).
   * A middleware that is idle (see `MiddlewarePlacement.idle`) is passed over.
   * A middleware that throws synchronously rejects the returned promise; the stack is unchanged.
   */
  run<T>(op: Operation, terminal: () => Promise<T>): Promise<T> {
    return callAt(this.#entries, 0, op, terminal);
  }

  #set(entries: Entry[]): void {
    this.#entries = Object.freeze(entries);
  }
}

function isIdle(entry: Entry): boolean {
  const { idle } = entry;
  if (idle === undefined) return false;
  try {
    return idle() === true;
  } catch {
    return false;
  }
}

/**
 * Calls the first middleware of `chain`, from index `from` on, that is not idle, with a `next`
 * that runs the rest of it, then `terminal`.
 */
function callAt<T>(
  chain: readonly Entry[],
  from: number,
  op: Operation,
  terminal: () => Promise<T>,
): Promise<T> {
  let i = from;
  while (i < chain.length && isIdle(chain[i] as Entry)) i++;
  if (i === chain.length) return terminal();
  const entry = chain[i] as Entry;
  let called = false;
  const next = (): Promise<T> => {
    if (called) {
      return Promise.reject(
        new MiddlewareError(`middleware "${entry.name}" called next() more than once`),
      );
    }
    called = true;
    return i + 1 === chain.length ? terminal() : callAt(chain, i + 1, op, terminal);
  };
  try {
    return entry.middleware(op, next);
  } catch (err) {
    return Promise.reject(err);
  }
}
