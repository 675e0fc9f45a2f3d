import {
  type CoreMessage,
  getHeader,
  HelixError,
  type HelixErrorOptions,
  isHelixError,
  toHelixError,
} from "@helix/nats-core";

/** The header of an error response that carries its code, as NATS services (micro) send it. */
export const SERVICE_ERROR_CODE_HEADER = "Nats-Service-Error-Code";
/** The header of an error response that carries its description. */
export const SERVICE_ERROR_HEADER = "Nats-Service-Error";

/** A request found nobody listening on its subject: no service answers there (yet). */
export class NoRespondersError extends HelixError {
  /** The subject of the request. */
  readonly subject: string;

  constructor(subject: string, options: HelixErrorOptions = {}) {
    super(
      `request: no responders on subject "${subject}": no service is listening there`,
      "NO_RESPONDERS",
      options,
    );
    this.subject = subject;
  }
}

/**
 * An error response of a service, as NATS services (micro) send it: the
 * `Nats-Service-Error-Code` and `Nats-Service-Error` headers. A reply handler throws one to choose
 * the code and description the caller gets; `request` rejects with one when the answer is an
 * error response (from a helix reply handler, a Go micro service, or any responder using these
 * headers).
 */
export class ServiceError extends HelixError {
  /** The service's error code (an HTTP-like status by convention: 400, 404, 500…). */
  readonly serviceCode: number;
  /** The service's description of the error. */
  readonly description: string;
  /** The subject the request went to; empty when thrown by a handler. */
  readonly subject: string;

  constructor(
    serviceCode: number,
    description: string,
    options: HelixErrorOptions & { subject?: string } = {},
  ) {
    const where = options.subject ? ` (subject "${options.subject}")` : "";
    super(`service error ${serviceCode}: ${description}${where}`, "SERVICE_ERROR", options);
    this.serviceCode = serviceCode;
    this.description = description;
    this.subject = options.subject ?? "";
  }
}

/** True when `err` is a `NoRespondersError` (from any copy of this package). */
export function isNoRespondersError(err: unknown): err is NoRespondersError {
  return err instanceof HelixError && err.code === "NO_RESPONDERS";
}

/** True when `err` is a `ServiceError` (from any copy of this package). */
export function isServiceError(err: unknown): err is ServiceError {
  return (
    err instanceof HelixError &&
    err.code === "SERVICE_ERROR" &&
    typeof (err as { serviceCode?: unknown }).serviceCode === "number"
  );
}

/** The `ServiceError` an error response carries, or `undefined` for an ordinary reply. */
export function serviceErrorOf(reply: CoreMessage, subject: string): ServiceError | undefined {
  const code = getHeader(reply.headers, SERVICE_ERROR_CODE_HEADER);
  const description = getHeader(reply.headers, SERVICE_ERROR_HEADER);
  if (!code && !description) return undefined;
  const parsed = Number.parseInt(code ?? "", 10);
  return new ServiceError(Number.isFinite(parsed) ? parsed : 500, description || "unknown error", {
    subject,
  });
}

/** What a reply handler's failure sends back: its own code and description, or 500 and its message. */
export function serviceErrorFor(err: unknown): { code: number; description: string } {
  if (isServiceError(err)) return { code: err.serviceCode, description: err.description };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 500, description: message === "" ? "handler failed" : message };
}

/**
 * Maps a client error of a core NATS call: no responders is a `NoRespondersError`, the rest
 * goes through core's `toHelixError` (timeouts, a closed connection, permissions).
 */
export function toPubSubError(err: unknown, operation: string, subject: string): HelixError {
  if (isHelixError(err)) return err; // mapped already (inside the stack, or by a middleware)
  if (isNoResponders(err)) return new NoRespondersError(subject, { cause: err });
  return toHelixError(err, { operation });
}

function isNoResponders(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { name?: unknown; isNoResponders?: () => boolean; cause?: unknown };
  if (e.name === "NoRespondersError") return true;
  if (typeof e.isNoResponders === "function" && e.isNoResponders()) return true;
  const cause = e.cause as { name?: unknown } | undefined;
  return cause?.name === "NoRespondersError";
}
