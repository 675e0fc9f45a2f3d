/**
 * The error classes every helix-nats package throws.
 *
 * Identity never relies on `instanceof` across packages (a dual ESM/CJS install can load this
 * module twice): every error carries a brand under `Symbol.for("@helix/nats.error")` and a stable
 * `code`, and the predicates below test those.
 */

const BRAND = Symbol.for("@helix/nats.error");

/** Stable, low-cardinality codes of helix-nats errors. */
export type HelixErrorCode =
  | "CONFIG_INVALID"
  | "CONNECTION_FAILED"
  | "CONNECTION_CLOSED"
  | "CONNECTION_DRAINING"
  | "AUTHORIZATION_FAILED"
  | "PERMISSION_DENIED"
  | "TIMEOUT"
  | "CANCELLED"
  | "NOT_FOUND"
  | "WRONG_REVISION"
  | "KEY_EXISTS"
  | "VALIDATION"
  | "JETSTREAM_UNAVAILABLE"
  | "JETSTREAM_API"
  | "LIMIT_EXCEEDED"
  | "MIDDLEWARE"
  | "DECODE"
  | "UNSUPPORTED"
  | "NO_RESPONDERS"
  | "SERVICE_ERROR"
  | "NATS";

/** Options shared by every helix-nats error. */
export interface HelixErrorOptions {
  /** The underlying error, usually the NATS client's. */
  cause?: unknown;
  /** Whether trying the same operation again may succeed. */
  retryable?: boolean;
}

/** Base class of every error thrown by helix-nats. */
export class HelixError extends Error {
  /** Stable code, suitable for `error.type` attributes and `switch` statements. */
  readonly code: HelixErrorCode;
  /** Whether trying the same operation again may succeed (see `isRetryable`). */
  readonly retryable: boolean;
  /** The underlying error, usually the NATS client's; absent when helix-nats found the problem. */
  declare readonly cause?: unknown;

  constructor(message: string, code: HelixErrorCode = "NATS", options: HelixErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * `instanceof` also recognises an error made by another copy of this module (an ESM and a CJS
   * build loaded side by side): a branded helix-nats error is an instance of `HelixError`, and of
   * a subclass when its `name` is that class's name.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class on the right of `instanceof` (a subclass inherits this method).
    // biome-ignore lint/complexity/noThisInStatic: the class tested against must be `this`
    // biome-ignore lint/complexity/noUselessThisAlias: one suppression instead of three
    const target = this;
    if (Function.prototype[Symbol.hasInstance].call(target, value)) return true;
    if (!isHelixError(value)) return false;
    // `HelixError` itself is the class whose parent is `Error`. Not named here: a bundler renames
    // a class that refers to itself (`class _HelixError`), and the class's name is its errors' name.
    return Object.getPrototypeOf(target) === Error || value.name === target.name;
  }
}

/** One problem found in a configuration, with the path of the offending field. */
export interface ConfigReason {
  /** What is wrong and what to do, never with a secret. */
  message: string;
  /** The path of the offending field, e.g. `["tls", "certFile"]` or `["addresses", 0]`. */
  path: readonly (string | number)[];
}

/** The configuration given to `connect` (or another entry point) is invalid. Lists every problem. */
export class ConfigError extends HelixError {
  /** Every problem found, each with the path of its field. */
  readonly reasons: readonly ConfigReason[];

  constructor(
    reasons: readonly ConfigReason[],
    options: { cause?: unknown; subject?: string } = {},
  ) {
    const subject = options.subject ?? "configuration";
    const lines = reasons.map((r) => `  - ${r.message} (at ${formatPath(r.path)})`);
    super(`Invalid ${subject}:\n${lines.join("\n")}`, "CONFIG_INVALID", { cause: options.cause });
    this.reasons = reasons;
  }
}

/** Renders a reason path as `Config > tls > certFile`. */
export function formatPath(path: readonly (string | number)[]): string {
  return ["Config", ...path.map((p) => (typeof p === "number" ? `[${p}]` : p))].join(" > ");
}

/** Connecting failed, the connection is closed or draining, or the server refused the client. */
export class ConnectionError extends HelixError {
  constructor(
    message: string,
    options: HelixErrorOptions & {
      code?:
        | "CONNECTION_FAILED"
        | "CONNECTION_CLOSED"
        | "CONNECTION_DRAINING"
        | "AUTHORIZATION_FAILED";
    } = {},
  ) {
    super(message, options.code ?? "CONNECTION_FAILED", options);
  }
}

/** The server denied a publish or subscribe by its permissions. */
export class PermissionError extends HelixError {
  constructor(message: string, options: HelixErrorOptions = {}) {
    super(message, "PERMISSION_DENIED", options);
  }
}

/**
 * No answer came in time. Retryable, but a timed-out publish may still have been stored:
 * retry a publish only with a message ID so the server de-duplicates it.
 */
export class TimeoutError extends HelixError {
  constructor(message = "The operation timed out", options: HelixErrorOptions = {}) {
    super(message, "TIMEOUT", { retryable: true, ...options });
  }
}

/** The caller's `AbortSignal` aborted the operation. */
export class CancelledError extends HelixError {
  constructor(message = "The operation was cancelled", options: HelixErrorOptions = {}) {
    super(message, "CANCELLED", options);
  }
}

/** What a `NotFoundError` could not find. */
export type NotFoundKind = "stream" | "consumer" | "bucket" | "message" | "key";

/** A stream, consumer or bucket does not exist. */
export class NotFoundError extends HelixError {
  /** What was missing: `stream`, `consumer`, `bucket`, `message` or `key`. */
  readonly what: NotFoundKind;
  /** Its name, when known. */
  readonly resource: string | undefined;

  constructor(what: NotFoundKind, resource?: string, options: HelixErrorOptions = {}) {
    super(
      resource === undefined
        ? `The ${what} was not found`
        : `The ${what} "${resource}" was not found`,
      "NOT_FOUND",
      options,
    );
    this.what = what;
    this.resource = resource;
  }
}

/** A write expected a revision (or last sequence) that is no longer current: JetStream code 10071. */
export class WrongRevisionError extends HelixError {
  /** The JetStream API error code (10071, or 10164 on newer servers). */
  readonly apiCode: number;

  constructor(message: string, options: HelixErrorOptions & { apiCode?: number } = {}) {
    super(message, "WRONG_REVISION", options);
    this.apiCode = options.apiCode ?? 10071;
  }
}

/** `kv.create` of a key that already exists. */
export class KeyExistsError extends HelixError {
  /** The key that exists. */
  readonly key: string;

  constructor(key: string, options: HelixErrorOptions = {}) {
    super(`The key "${key}" already exists`, "KEY_EXISTS", options);
    this.key = key;
  }
}

/**
 * The server is too old for a feature: refused before anything is sent, decided by the version
 * the server reports in its INFO. Not retryable (on this server).
 */
export class UnsupportedFeatureError extends HelixError {
  /** The feature, e.g. `"per-message TTL"`. */
  readonly feature: string;
  /** The first nats-server version that has it, e.g. `"2.11.0"`. */
  readonly requires: string;
  /** The version the server reported, or `undefined` when it is not known. */
  readonly serverVersion: string | undefined;

  constructor(feature: string, requires: string, serverVersion: string | undefined) {
    super(
      `${feature} needs nats-server ${requires} or newer; the server is ${serverVersion ?? "of unknown version"}`,
      "UNSUPPORTED",
    );
    this.feature = feature;
    this.requires = requires;
    this.serverVersion = serverVersion;
  }
}

/** Where a message that could not be decoded came from. */
export interface DecodeSource {
  /** The subject it was published to. */
  readonly subject: string;
  /** The stream that stored it, when it came from one. */
  readonly stream?: string | undefined;
  /** Its sequence in that stream. */
  readonly seq?: number | undefined;
}

/**
 * A message body is not what the reader expected (`msg.json()` of a body that is not JSON, a
 * schema that refuses it). Not retryable: the same bytes fail the same way every time.
 */
export class DecodeError extends HelixError {
  /** The subject the message was published to. */
  readonly subject: string;
  /** The stream that stored it, if any. */
  readonly stream: string | undefined;
  /** Its stream sequence, if any. */
  readonly seq: number | undefined;

  constructor(message: string, source: DecodeSource, options: HelixErrorOptions = {}) {
    super(message, "DECODE", options);
    this.subject = source.subject;
    this.stream = source.stream;
    this.seq = source.seq;
  }
}

/**
 * One problem a schema found in a value: its message, and the path of the offending field
 * (`[]` for the value itself), e.g. `{ message: "Expected number", path: ["items", 0, "qty"] }`.
 */
export interface ValidationIssue {
  /** What is wrong, as the schema library words it. */
  readonly message: string;
  /** Where: property keys and array indexes from the value's root; `[]` for the root. */
  readonly path: readonly (string | number)[];
}

/**
 * A subject, stream, consumer, bucket or key name (or another argument) is invalid, or a value
 * failed its schema (then `issues` lists every problem). Caught before I/O. Not retryable.
 */
export class ValidationError extends HelixError {
  /** Which argument was invalid, e.g. `"subject"`, `"bucket"` or `"data"`. */
  readonly field: string;
  /** The rejected value, when it is safe to show. */
  readonly value: unknown;
  /** Every problem a schema found (`[]` when the error is not a schema's). */
  readonly issues: readonly ValidationIssue[];

  constructor(
    field: string,
    message: string,
    options: HelixErrorOptions & { value?: unknown; issues?: readonly ValidationIssue[] } = {},
  ) {
    super(message, "VALIDATION", options);
    this.field = field;
    this.value = options.value;
    this.issues = options.issues ?? [];
  }
}

/** JetStream did not answer: no responders, not enabled yet, or a leader election. Retryable. */
export class JetStreamUnavailableError extends HelixError {
  constructor(message: string, options: HelixErrorOptions = {}) {
    super(message, "JETSTREAM_UNAVAILABLE", { retryable: true, ...options });
  }
}

/** Any other error reported by the JetStream API, with its API code. */
export class JetStreamApiError extends HelixError {
  /** The JetStream API error code (`err_code`, e.g. 10058). */
  readonly apiCode: number;
  /** The API's HTTP-like status code (`code`, e.g. 400 or 503), when reported. */
  readonly status: number | undefined;

  constructor(
    message: string,
    apiCode: number,
    options: HelixErrorOptions & { status?: number } = {},
  ) {
    super(message, "JETSTREAM_API", options);
    this.apiCode = apiCode;
    this.status = options.status;
  }
}

/** Which limit a `LimitExceededError` hit: a stream's (a bucket's) or the server's. */
export type LimitName =
  | "max_msgs"
  | "max_bytes"
  | "max_msgs_per_subject"
  | "max_msg_size"
  | "max_value_size";

/**
 * A write was refused by a limit: a stream full under the discard-new policy (`max_msgs`,
 * `max_bytes`, `max_msgs_per_subject`), a message over the stream's `max_msg_size` or a bucket's
 * `max_value_size`. `max` is the limit's value when known; the message then states it.
 */
export class LimitExceededError extends HelixError {
  /** Which limit refused the write. */
  readonly limit: LimitName;
  /** The limit's value, when known (read from the stream configuration). */
  readonly max: number | undefined;
  /** The JetStream API error code, when the server reported the failure. */
  readonly apiCode: number | undefined;

  constructor(
    message: string,
    limit: LimitName,
    options: HelixErrorOptions & { max?: number; apiCode?: number } = {},
  ) {
    super(message, "LIMIT_EXCEEDED", options);
    this.limit = limit;
    this.max = options.max;
    this.apiCode = options.apiCode;
  }
}

/** A middleware broke the stack's contract (for example called `next()` twice). */
export class MiddlewareError extends HelixError {
  constructor(message: string, options: HelixErrorOptions = {}) {
    super(message, "MIDDLEWARE", options);
  }
}

/** True for any helix-nats error, whichever copy of this module created it. */
export function isHelixError(err: unknown): err is HelixError {
  return (
    typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[BRAND] === true
  );
}

/** True when `err` is a helix-nats error with the given code. */
export function hasErrorCode(err: unknown, code: HelixErrorCode): err is HelixError {
  return isHelixError(err) && err.code === code;
}

/**
 * True when trying the same operation again may succeed: JetStream unavailable (no responders,
 * leader election) and timeouts. A publish should be retried only with a message ID.
 */
export function isRetryable(err: unknown): boolean {
  return isHelixError(err) && err.retryable;
}
