/**
 * The one error class of `@helix/nats-testing`.
 *
 * Identity does not rely on `instanceof` (a dual ESM/CJS install can load this module twice):
 * errors carry a brand under `Symbol.for("@helix/nats-testing.error")`, tested by
 * `isNatsTestingError`.
 */

const BRAND = Symbol.for("@helix/nats-testing.error");

/** Why a server or cluster could not be provided. */
export type NatsTestingErrorCode =
  /** Neither a `nats-server` binary nor a running Docker was found. */
  | "SERVER_NOT_FOUND"
  /** The server process exited, or could not be spawned, before it was ready. */
  | "START_FAILED"
  /** The server did not become ready in time. */
  | "START_TIMEOUT"
  /** The operation has no meaning for this kind of server (e.g. `pause()` of a container). */
  | "NOT_SUPPORTED"
  /** A process did not exit after a signal, or a helper tool (openssl) failed. */
  | "PROCESS_FAILED";

/** Options of a `NatsTestingError`. */
export interface NatsTestingErrorOptions {
  /** The underlying error. */
  cause?: unknown;
  /** The last lines the server logged, when the error concerns one server. */
  logTail?: string;
}

/** An error thrown by `@helix/nats-testing`; `code` says what went wrong. */
export class NatsTestingError extends Error {
  /** Stable code of the failure. */
  readonly code: NatsTestingErrorCode;
  /** The last lines the server logged (stdout and stderr), when known. */
  readonly logTail: string | undefined;

  constructor(message: string, code: NatsTestingErrorCode, options: NatsTestingErrorOptions = {}) {
    const full = options.logTail
      ? `${message}\n--- nats-server log (tail) ---\n${options.logTail}`
      : message;
    super(full, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "NatsTestingError";
    this.code = code;
    this.logTail = options.logTail;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Whether `error` was thrown by `@helix/nats-testing` (works across ESM/CJS copies). */
export function isNatsTestingError(error: unknown): error is NatsTestingError {
  return typeof error === "object" && error !== null && BRAND in error;
}
