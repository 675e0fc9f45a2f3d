/**
 * The names this plugin records: OpenTelemetry messaging semantic conventions v1.44, plus the
 * NATS-specific ones this project defines (`messaging.nats.*`). Copied here rather than imported,
 * as the OpenTelemetry guidelines advise for attributes that are still incubating.
 */

export const MESSAGING_SYSTEM = "messaging.system";
export const OPERATION_NAME = "messaging.operation.name";
export const OPERATION_TYPE = "messaging.operation.type";
export const DESTINATION_NAME = "messaging.destination.name";
export const MESSAGE_ID = "messaging.message.id";
export const CLIENT_ID = "messaging.client.id";
export const CONSUMER_GROUP = "messaging.consumer.group.name";
export const BATCH_COUNT = "messaging.batch.message_count";
export const BODY_SIZE = "messaging.message.body.size";
export const SERVER_ADDRESS = "server.address";
export const SERVER_PORT = "server.port";
export const ERROR_TYPE = "error.type";

export const NATS_STREAM = "messaging.nats.stream.name";
export const NATS_STREAM_SEQUENCE = "messaging.nats.message.stream_sequence";
export const NATS_DELIVERY_COUNT = "messaging.nats.message.delivery_count";
export const NATS_DUPLICATE = "messaging.nats.message.duplicate";
export const NATS_PUBLISH_ATTEMPTS = "messaging.nats.publish.attempts";
export const NATS_SUBJECT = "messaging.nats.subject";
export const NATS_RECEIVE_MODE = "messaging.nats.receive.mode";
export const NATS_NAK_DELAY = "messaging.nats.nak.delay_ms";
export const NATS_CONSUMER_ORDERED = "messaging.nats.consumer.ordered";
export const NATS_CONSUMER_STATUS = "messaging.nats.consumer.status";
export const NATS_CONSUMER_STATUS_ENDS = "messaging.nats.consumer.status.ends";
export const NATS_KV_BUCKET = "messaging.nats.kv.bucket";
export const NATS_KV_KEY = "messaging.nats.kv.key";
export const NATS_KV_REVISION = "messaging.nats.kv.revision";
export const NATS_KV_OUTCOME = "messaging.nats.kv.outcome";

/** `messaging.system` of every span and metric point. */
export const SYSTEM_NATS = "nats";

export const METRIC_OPERATION_DURATION = "messaging.client.operation.duration";
export const METRIC_PROCESS_DURATION = "messaging.process.duration";
export const METRIC_SENT_MESSAGES = "messaging.client.sent.messages";
export const METRIC_CONSUMED_MESSAGES = "messaging.client.consumed.messages";
export const METRIC_RECONNECTS = "messaging.nats.client.reconnects";

/** The semantic conventions' bucket advice for messaging durations, in seconds. */
export const DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** The value of `error.type` when nothing more precise is known. */
export const OTHER_ERROR = "_OTHER";
