import {
  type CallOptions,
  type Connection,
  isConnection,
  JetStreamApiError,
  JetStreamCodes,
  NotFoundError,
  ValidationError,
} from "@helix/nats-core";
import { assertBucketName } from "@helix/nats-core/internal";
import { type JetStreamClient, jetstream, type StreamInfo } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { configDifferences, toKvOptions } from "./bucket-config.js";
import { toKvError } from "./errors.js";
import { KeyValueHandle } from "./handle.js";
import { runKv } from "./operation.js";
import { streamNameOf, toStatus } from "./status.js";
import type { KeyValue, KeyValueConfig, KeyValueManager, KeyValueStatus } from "./types.js";
import { assertKeyValueConfig } from "./validation.js";

/** The key-value manager of a connection. Honours the connection's JetStream domain or API prefix. */
export function createKeyValueManager(conn: Connection): KeyValueManager {
  if (!isConnection(conn)) {
    throw new ValidationError("connection", "createKeyValueManager needs a helix-nats Connection");
  }
  // A client of our own from a copy of the connection's options (the client mutates options
  // objects); checkAPI off: a missing JetStream still fails on the first call.
  const js = jetstream(conn.nats, { ...conn.jetstreamOptions, checkAPI: false });
  return new Manager(conn, js);
}

class Manager implements KeyValueManager {
  #conn: Connection;
  #kvm: Kvm;

  constructor(conn: Connection, js: JetStreamClient) {
    this.#conn = conn;
    this.#kvm = new Kvm(js);
  }

  async create(config: KeyValueConfig, options?: CallOptions): Promise<KeyValue> {
    assertKeyValueConfig(config);
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
        return this.#open(bucket, existing);
      }
      const raw = await this.#kvm.create(bucket, toKvOptions(config));
      return new KeyValueHandle(this.#conn, bucket, raw);
    });
  }

  async get(bucket: string, options?: CallOptions): Promise<KeyValue> {
    assertBucketName(bucket);
    return runKv(this.#conn, "bucket.get", { bucket }, options, async () => {
      const info = await this.#info(bucket);
      if (info === null) throw new NotFoundError("bucket", bucket);
      return this.#open(bucket, info);
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

  async #open(bucket: string, info: StreamInfo): Promise<KeyValue> {
    const raw = await this.#kvm.open(bucket, { allow_direct: info.config.allow_direct === true });
    return new KeyValueHandle(this.#conn, bucket, raw);
  }
}
