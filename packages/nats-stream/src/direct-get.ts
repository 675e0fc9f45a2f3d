import { assertSubject, ValidationError } from "@helix/nats-core";
import { assertOptionalInteger, requireServerVersion } from "@helix/nats-core/internal";
import type {
  DirectBatchOptions,
  JetStreamManager,
  StoredMsg,
  StreamConfig,
} from "@nats-io/jetstream";
import { headers as createHeaders } from "@nats-io/transport-node";
import type { GetBatchOptions, StoredMessage } from "./types.js";

/*
 * Batch direct get (nats-server 2.11+, ADR-31): up to `batch` messages from a sequence or a time
 * in one request, answered by any replica of a stream created with `allow_direct`, optionally
 * only those on a subject. `@nats-io/jetstream` 3.4 has it as `jsm.direct.getBatch`; a stream
 * without `allow_direct` has no responder, which the client would only notice by a 5 s timeout,
 * so the handle refuses it before any I/O when its config says so.
 */

/** The first nats-server with batch direct get. */
export const DIRECT_BATCH_MIN_VERSION = "2.11.0";
/** The feature's name in `UnsupportedFeatureError`. */
export const DIRECT_BATCH_FEATURE = "batch direct get";
/** Messages a batch returns when `batch` is not given (the client's default). */
export const DEFAULT_DIRECT_BATCH = 1024;

/** The headers the server adds to a direct get answer: not the message's own. */
const DIRECT_HEADERS = new Set([
  "Nats-Stream",
  "Nats-Sequence",
  "Nats-Time-Stamp",
  "Nats-Subject",
  "Nats-Last-Sequence",
  "Nats-Num-Pending",
]);

/**
 * Checks `getBatch` options and the stream before any I/O: a server older than 2.11
 * (`UnsupportedFeatureError`), a stream whose config does not have `allow_direct`, `seq` with
 * `startTime`, bad numbers or subject (`ValidationError`). Returns the client's request.
 */
export function directBatchRequest(
  options: GetBatchOptions,
  config: Readonly<StreamConfig>,
  serverVersion: string | undefined,
): DirectBatchOptions {
  const { seq, startTime, batch, maxBytes, subject } = options;
  assertOptionalInteger(seq, "seq");
  assertOptionalInteger(batch, "batch");
  assertOptionalInteger(maxBytes, "maxBytes");
  if (subject !== undefined) assertSubject(subject, "filter", "subject");
  if (seq !== undefined && startTime !== undefined) {
    throw new ValidationError("startTime", "getBatch: give either seq or startTime, not both");
  }
  if (
    startTime !== undefined &&
    (!(startTime instanceof Date) || !Number.isFinite(startTime.getTime()))
  ) {
    throw new ValidationError("startTime", "startTime must be a valid Date", { value: startTime });
  }
  requireServerVersion(serverVersion, DIRECT_BATCH_FEATURE, DIRECT_BATCH_MIN_VERSION);
  if (config.allow_direct !== true) {
    throw new ValidationError(
      "allow_direct",
      `getBatch needs a stream created with allow_direct: true; "${config.name}" has none (update the stream to enable it)`,
    );
  }
  const request: Record<string, unknown> =
    startTime !== undefined ? { start_time: startTime } : { seq: seq ?? 1 };
  request.batch = batch ?? DEFAULT_DIRECT_BATCH;
  if (maxBytes !== undefined) request.max_bytes = maxBytes;
  if (subject !== undefined) request.next_by_subj = subject;
  return request as DirectBatchOptions;
}

/** A direct get answer as a `StoredMessage`: the server's `Nats-*` metadata headers removed. */
export function fromDirectMessage(msg: StoredMsg): StoredMessage {
  let own: StoredMessage["headers"];
  for (const [key, values] of msg.header) {
    if (DIRECT_HEADERS.has(key)) continue;
    own ??= createHeaders();
    for (const value of values) own.append(key, value);
  }
  return { subject: msg.subject, seq: msg.seq, data: msg.data, headers: own, time: msg.time };
}

/** The client's error for a direct get the server answered "404 message not found" (no results). */
export function isNoMessages(err: unknown): boolean {
  return (
    typeof err === "object" &&
    err !== null &&
    (err as { name?: unknown }).name === "JetStreamStatusError" &&
    (err as { code?: unknown }).code === 404
  );
}

/**
 * Reads one batch direct get of `stream`: its messages in order, `[]` when there are none (the
 * server answers 404, which the client 3.4 throws, once nothing (more) is there to read).
 */
export async function readDirectBatch(
  jsm: JetStreamManager,
  stream: string,
  request: DirectBatchOptions,
): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  try {
    for await (const msg of await jsm.direct.getBatch(stream, request)) {
      out.push(fromDirectMessage(msg));
    }
  } catch (err) {
    if (!isNoMessages(err)) throw err;
  }
  return out;
}
