import { NANOS_PER_MS } from "@helix/nats-core/internal";
import type { StreamInfo } from "@nats-io/jetstream";
import type { KeyValueStatus } from "./types.js";

const KV_STREAM_PREFIX = "KV_";

/** The name of the stream that stores `bucket`. */
export function streamNameOf(bucket: string): string {
  return `${KV_STREAM_PREFIX}${bucket}`;
}

/** A bucket's status from the info of its stream (`cluster` is the connection's cluster name). */
export function toStatus(info: StreamInfo, cluster = ""): KeyValueStatus {
  const { config, state } = info;
  return {
    bucket: config.name.startsWith(KV_STREAM_PREFIX)
      ? config.name.slice(KV_STREAM_PREFIX.length)
      : config.name,
    streamName: config.name,
    values: state.messages,
    history: config.max_msgs_per_subject,
    ttlMs: Math.round((config.max_age ?? 0) / NANOS_PER_MS),
    bytes: state.bytes,
    backingStore: config.storage === "memory" ? "memory" : "file",
    replicas: config.num_replicas,
    maxValueSize: config.max_msg_size ?? -1,
    maxBytes: config.max_bytes ?? -1,
    description: config.description ?? "",
    cluster: info.cluster?.name ?? cluster,
    limitMarkerTtlMs: Math.round((config.subject_delete_marker_ttl ?? 0) / NANOS_PER_MS),
  };
}
