/**
 * The names this plugin records: OpenTelemetry messaging semantic conventions v1.44, plus the
 * NATS-specific ones this project defines (`messaging.nats.*`). Copied here rather than imported,
 * as the OpenTelemetry guidelines advise for attributes that are still incubating.
 */

/** `messaging.system`: always `nats`. */
export const MESSAGING_SYSTEM = "messaging.system";
/** `messaging.operation.name`: `send`, `receive`, `process`, `ack`… or the operation kind. */
export const OPERATION_NAME = "messaging.operation.name";
/** `messaging.operation.type`: `send`, `receive`, `process` or `settle` (not on management/KV). */
export const OPERATION_TYPE = "messaging.operation.type";
/** `messaging.destination.name`: the destination of the span name (subject, stream or bucket). */
export const DESTINATION_NAME = "messaging.destination.name";
/** `messaging.message.id`: the `Nats-Msg-Id` of a published message. */
export const MESSAGE_ID = "messaging.message.id";
/** `messaging.client.id`: the connection's name. */
export const CLIENT_ID = "messaging.client.id";
/** `messaging.consumer.group.name`: the consumer's name. */
export const CONSUMER_GROUP = "messaging.consumer.group.name";
/** `messaging.batch.message_count`: how many messages a receive returned. */
export const BATCH_COUNT = "messaging.batch.message_count";
/** `messaging.message.body.size`: the payload size in bytes (opt-in). */
export const BODY_SIZE = "messaging.message.body.size";
/** `server.address`: the connected server's host (never credentials). */
export const SERVER_ADDRESS = "server.address";
/** `server.port`: the connected server's port. */
export const SERVER_PORT = "server.port";
/** `error.type`: the error's class or code, low-cardinality. */
export const ERROR_TYPE = "error.type";

/** `messaging.nats.stream.name`: the stream. */
export const NATS_STREAM = "messaging.nats.stream.name";
/** `messaging.nats.message.stream_sequence`: the message's stream sequence. */
export const NATS_STREAM_SEQUENCE = "messaging.nats.message.stream_sequence";
/** `messaging.nats.message.delivery_count`: 1 on first delivery. */
export const NATS_DELIVERY_COUNT = "messaging.nats.message.delivery_count";
/** `messaging.nats.message.duplicate`: `true` when the server already had the published message. */
export const NATS_DUPLICATE = "messaging.nats.message.duplicate";
/** `messaging.nats.publish.attempts`: attempts a publish made, when more than one. */
export const NATS_PUBLISH_ATTEMPTS = "messaging.nats.publish.attempts";
/** `messaging.nats.subject`: the subject, also when the `destination` option renamed it. */
export const NATS_SUBJECT = "messaging.nats.subject";
/** `messaging.nats.receive.mode`: `fetch`, `fetchBytes`, `fetchNoWait` or `next`. */
export const NATS_RECEIVE_MODE = "messaging.nats.receive.mode";
/** `messaging.nats.nak.delay_ms`: the redelivery delay a nak asked for. */
export const NATS_NAK_DELAY = "messaging.nats.nak.delay_ms";
/** `messaging.nats.consumer.ordered`: whether the consumer is ordered. */
export const NATS_CONSUMER_ORDERED = "messaging.nats.consumer.ordered";
/** `messaging.nats.consumer.status`: the client's consume notification. */
export const NATS_CONSUMER_STATUS = "messaging.nats.consumer.status";
/** `messaging.nats.consumer.status.ends`: whether that notification ended the consume. */
export const NATS_CONSUMER_STATUS_ENDS = "messaging.nats.consumer.status.ends";
/** `messaging.nats.kv.bucket`: the key-value bucket. */
export const NATS_KV_BUCKET = "messaging.nats.kv.bucket";
/** `messaging.nats.kv.key`: the key. */
export const NATS_KV_KEY = "messaging.nats.kv.key";
/** `messaging.nats.kv.revision`: the revision written or read. */
export const NATS_KV_REVISION = "messaging.nats.kv.revision";
/** `messaging.nats.kv.outcome`: `key_exists` when a `kv.create` found the key (not an error). */
export const NATS_KV_OUTCOME = "messaging.nats.kv.outcome";

/** `messaging.system` of every span and metric point. */
export const SYSTEM_NATS = "nats";

/** Histogram `messaging.client.operation.duration` (s): all but `process`, `consumer.status`. */
export const METRIC_OPERATION_DURATION = "messaging.client.operation.duration";
/** Histogram `messaging.process.duration` (s): each consume handler call, auto-ack included. */
export const METRIC_PROCESS_DURATION = "messaging.process.duration";
/** Observable counter `messaging.client.sent.messages`: each publish, failed ones too. */
export const METRIC_SENT_MESSAGES = "messaging.client.sent.messages";
/** Observable counter `messaging.client.consumed.messages`: messages received or handled. */
export const METRIC_CONSUMED_MESSAGES = "messaging.client.consumed.messages";
/** Observable counter `messaging.nats.client.reconnects`: each reconnect. */
export const METRIC_RECONNECTS = "messaging.nats.client.reconnects";

/** The semantic conventions' bucket advice for messaging durations, in seconds. */
export const DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** The value of `error.type` when nothing more precise is known. */
export const OTHER_ERROR = "_OTHER";
