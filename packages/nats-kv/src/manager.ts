import {
  type CallOptions,
  type Connection,
  isConnection,
  JetStreamApiError,
  JetStreamCodes,
  NotFoundError,
  ValidationError,
} from "@helix/nats-core";
import { assertBucketName, NANOS_PER_MS } from "@helix/nats-core/internal";
import { type JetStreamClient, jetstream, type StreamInfo } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { configDifferences, toKvOptions } from "./bucket-config.js";
import { toKvError } from "./errors.js";
import { KeyValueHandle } from "./handle.js";
import { requireLimitMarkers } from "./key-ttl.js";
import { runKv } from "./operation.js";
import { streamNameOf, toStatus } from "./status.js";
import type {
  KeyValue,
  KeyValueConfig,
  KeyValueManager,
  KeyValueManagerOptions,
  KeyValueOpenOptions,
  KeyValueStatus,
} from "./types.js";
import { assertKeyValueConfig, type ResolvedRetry, resolveRetry } from "./validation.js";
import type { WriteSettings } from "./write.js";

/**
 * The key-value manager of a connection. Honours the connection's JetStream domain or API prefix.
 * `options.retry` sets how the writes of every bucket it opens retry (default: 30 s, as a publish).
 */
export function createKeyValueManager(
  conn: Connection,
  options: KeyValueManagerOptions = {},
): KeyValueManager {
  if (!isConnection(conn)) {
    throw new ValidationError("connection", "createKeyValueManager needs a helix-nats Connection");
  }
  const retry = resolveRetry(options.retry);
  // A client of our own from a copy of the connection's options (the client mutates options
  // objects); checkAPI off: a missing JetStream still fails on the first call.
  const js = jetstream(conn.nats, { ...conn.jetstreamOptions, checkAPI: false });
  return new Manager(conn, js, retry);
}

class Manager implements KeyValueManager {
  #conn: Connection;
  #kvm: Kvm;
  #retry: ResolvedRetry;

  constructor(conn: Connection, js: JetStreamClient, retry: ResolvedRetry) {
    this.#conn = conn;
    this.#kvm = new Kvm(js);
    this.#retry = retry;
  }

  async create(config: KeyValueConfig, options?: KeyValueOpenOptions): Promise<KeyValue> {
    assertKeyValueConfig(config);
    if (config.limitMarkerTtlMs !== undefined) requireLimitMarkers(this.#conn.nats.info?.version);
    const retry = resolveRetry(options?.retry, this.#retry);
    const bucket = config.bucket;
    return runKv(this.#conn, "bucket.create", { bucket }, options, async () => {
      const existing = await this.#info(bucket);
      if (existing !== null) {
        const differences = configDifferences(config, toStatus(existing));
        if (differences.length > 0) {
          throw new JetStreamApiError(
            `kv.bucket.create: bucket "${bucket}" already exists with other settings (${differences.join("; ")})`,
            JetStreamCodes.StreamNameInUse,
          );
        }
        return this.#open(bucket, existing, retry);
      }
      const raw = await this.#kvm.create(bucket, toKvOptions(config));
      // the stream as the server made it: its de-duplication window bounds write retries
      const created = await this.#info(bucket);
      if (created === null) throw new NotFoundError("bucket", bucket);
      return new KeyValueHandle(this.#conn, bucket, raw, writeSettings(created, retry));
    });
  }

  async get(bucket: string, options?: KeyValueOpenOptions): Promise<KeyValue> {
    assertBucketName(bucket);
    const retry = resolveRetry(options?.retry, this.#retry);
    return runKv(this.#conn, "bucket.get", { bucket }, options, async () => {
      const info = await this.#info(bucket);
      if (info === null) throw new NotFoundError("bucket", bucket);
      return this.#open(bucket, info, retry);
    });
  }

  async delete(bucket: string, options?: CallOptions): Promise<void> {
    assertBucketName(bucket);
    return runKv(this.#conn, "bucket.delete", { bucket }, options, async () => {
      const jsm = await this.#conn.manager();
      await jsm.streams.delete(streamNameOf(bucket));
    });
  }

  async list(options?: CallOptions): Promise<KeyValueStatus[]> {
    return runKv(this.#conn, "bucket.list", { bucket: "" }, options, async () => {
      const statuses: KeyValueStatus[] = [];
      for await (const status of this.#kvm.list()) statuses.push(toStatus(status.streamInfo));
      return statuses;
    });
  }

  /** The info of the bucket's stream, or `null` when it does not exist. */
  async #info(bucket: string): Promise<StreamInfo | null> {
    const jsm = await this.#conn.manager();
    try {
      return await jsm.streams.info(streamNameOf(bucket));
    } catch (err) {
      const mapped = toKvError(err, { operation: "kv.bucket.get", bucket });
      if (mapped.code === "NOT_FOUND" && (mapped as NotFoundError).what === "bucket") return null;
      throw err;
    }
  }

  async #open(bucket: string, info: StreamInfo, retry: ResolvedRetry): Promise<KeyValue> {
    const raw = await this.#kvm.open(bucket, { allow_direct: info.config.allow_direct === true });
    return new KeyValueHandle(this.#conn, bucket, raw, writeSettings(info, retry));
  }
}

/** How a bucket's writes retry: the settings, bounded by its stream's de-duplication window. */
function writeSettings(info: StreamInfo, retry: ResolvedRetry): WriteSettings {
  return {
    retry,
    duplicateWindowMs: Math.floor((info.config.duplicate_window ?? 0) / NANOS_PER_MS),
    allowMsgTtl: info.config.allow_msg_ttl === true,
  };
}
