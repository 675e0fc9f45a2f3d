import {
  type HelixError,
  JetStreamCodes,
  KeyExistsError,
  toHelixError,
  WrongRevisionError,
} from "@helix/nats-core";

/** What a failed key-value call was doing, for the error it becomes. */
export interface KvErrorContext {
  /** The operation kind, e.g. `"kv.update"`. */
  operation: string;
  bucket: string;
  key?: string | undefined;
}

/**
 * Maps a client error of a key-value call to a helix-nats error through core's `toHelixError`
 * (which calls a missing stream a missing bucket), then refines a wrong last sequence: it is
 * `KeyExistsError` for `kv.create` and `WrongRevisionError` for every other write.
 */
export function toKvError(err: unknown, context: KvErrorContext): HelixError {
  const mapped = toHelixError(err, {
    operation: context.operation,
    what: "bucket",
    resource: context.bucket,
  });
  if (mapped.code === "WRONG_REVISION") {
    if (context.operation === "kv.create" && context.key !== undefined) {
      return new KeyExistsError(context.key, { cause: err });
    }
    const code = (mapped as { apiCode?: unknown }).apiCode;
    const apiCode = typeof code === "number" ? code : JetStreamCodes.StreamWrongLastSequence;
    return new WrongRevisionError(
      `${context.operation}: the key "${context.key ?? ""}" in bucket "${context.bucket}" is not at the expected revision (${causeMessage(err)})`,
      { cause: err, apiCode },
    );
  }
  return mapped;
}

function causeMessage(err: unknown): string {
  return typeof err === "object" && err !== null && "message" in err
    ? String((err as { message: unknown }).message)
    : String(err);
}
