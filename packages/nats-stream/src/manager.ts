import {
  assertStreamName,
  assertSubject,
  type CallOptions,
  type Connection,
  isConnection,
  ValidationError,
} from "@helix/nats-core";
import { StreamHandle } from "./handle.js";
import { runStreamOperation } from "./operation.js";
import { toServerStreamConfig } from "./stream-config.js";
import { assertStreamFeatures } from "./stream-features.js";
import type { Stream, StreamCreateConfig, StreamManager, StreamUpdateInput } from "./types.js";
import { assertStreamConfig } from "./validation.js";

/** Creates the stream manager of `conn` (Go: `JetStream.Stream/CreateStream/UpdateStream/DeleteStream`). */
export function createStreamManager(conn: Connection): StreamManager {
  if (!isConnection(conn)) {
    throw new ValidationError("conn", "createStreamManager needs a Connection from connect()");
  }
  return new HelixStreamManager(conn);
}

class HelixStreamManager implements StreamManager {
  #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  async create(config: StreamCreateConfig, options: CallOptions = {}): Promise<Stream> {
    assertStreamConfig(config);
    assertStreamFeatures(config, this.#conn.nats.info?.version);
    // A copy (the client rewrites mirror/sources on the object it is given), in nanoseconds.
    const serverConfig = toServerStreamConfig(config);
    const info = await runStreamOperation(
      this.#conn,
      { kind: "stream.create", stream: config.name },
      options.signal,
      (jsm) => jsm.streams.add(serverConfig),
    );
    return new StreamHandle(this.#conn, info.config);
  }

  async update(config: StreamUpdateInput, options: CallOptions = {}): Promise<Stream> {
    assertStreamConfig(config);
    assertStreamFeatures(config, this.#conn.nats.info?.version);
    const { name, ...changes } = toServerStreamConfig(config);
    const info = await runStreamOperation(
      this.#conn,
      { kind: "stream.update", stream: name },
      options.signal,
      (jsm) => jsm.streams.update(name, changes),
    );
    return new StreamHandle(this.#conn, info.config);
  }

  async get(name: string, options: CallOptions = {}): Promise<Stream> {
    assertStreamName(name);
    const info = await runStreamOperation(
      this.#conn,
      { kind: "stream.get", stream: name },
      options.signal,
      (jsm) => jsm.streams.info(name),
    );
    return new StreamHandle(this.#conn, info.config);
  }

  async delete(name: string, options: CallOptions = {}): Promise<void> {
    assertStreamName(name);
    await runStreamOperation(
      this.#conn,
      { kind: "stream.delete", stream: name },
      options.signal,
      (jsm) => jsm.streams.delete(name),
    );
  }

  async list(options: CallOptions & { subject?: string } = {}): Promise<Stream[]> {
    if (options.subject !== undefined) assertSubject(options.subject, "filter");
    const infos = await runStreamOperation(
      this.#conn,
      { kind: "stream.list", stream: "", ...(options.subject ? { subject: options.subject } : {}) },
      options.signal,
      async (jsm) => {
        const all = [];
        for await (const info of jsm.streams.list(options.subject)) all.push(info);
        return all;
      },
    );
    return infos.map((info) => new StreamHandle(this.#conn, info.config));
  }
}
