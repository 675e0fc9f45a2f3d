/**
 * The names this plugin records: OpenTelemetry messaging semantic conventions v1.44, plus the
 * NATS-specific ones this project defines (`messaging.nats.*`). Copied here rather than imported,
 * as the OpenTelemetry guidelines advise for attributes that are still incubating, and named as
 * `@opentelemetry/semantic-conventions` and opentelemetry-js-contrib name them: `ATTR_*` for an
 * attribute key, `METRIC_*` for a metric name, `*_VALUE_*` for one value of an enumerated attribute.
 */

/** `messaging.system`: always `nats`. */
export const ATTR_MESSAGING_SYSTEM = "messaging.system";
/** `messaging.operation.name`: `send`, `receive`, `process`, `ack`… or the operation kind. */
export const ATTR_MESSAGING_OPERATION_NAME = "messaging.operation.name";
/** `messaging.operation.type`: `send`, `receive`, `process` or `settle` (not on management/KV). */
export const ATTR_MESSAGING_OPERATION_TYPE = "messaging.operation.type";
/** `messaging.destination.name`: the destination of the span name (subject, stream or bucket). */
export const ATTR_MESSAGING_DESTINATION_NAME = "messaging.destination.name";
/** `messaging.destination.temporary`: `true` when the destination is a reply inbox. */
export const ATTR_MESSAGING_DESTINATION_TEMPORARY = "messaging.destination.temporary";
/** `messaging.message.id`: the `Nats-Msg-Id` of a published message. */
export const ATTR_MESSAGING_MESSAGE_ID = "messaging.message.id";
/** `messaging.client.id`: the connection's name. */
export const ATTR_MESSAGING_CLIENT_ID = "messaging.client.id";
/** `messaging.consumer.group.name`: the consumer's name. */
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = "messaging.consumer.group.name";
/** `messaging.batch.message_count`: how many messages a receive or a `stream.getBatch` returned, or an atomic batch sent. */
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = "messaging.batch.message_count";
/** `messaging.message.body.size`: the payload size in bytes (opt-in). */
export const ATTR_MESSAGING_MESSAGE_BODY_SIZE = "messaging.message.body.size";
/** `server.address`: the connected server's host (never credentials). */
export const ATTR_SERVER_ADDRESS = "server.address";
/** `server.port`: the connected server's port. */
export const ATTR_SERVER_PORT = "server.port";
/** `error.type`: the error's class or code, low-cardinality. */
export const ATTR_ERROR_TYPE = "error.type";

/** `messaging.nats.stream.name`: the stream. */
export const ATTR_MESSAGING_NATS_STREAM_NAME = "messaging.nats.stream.name";
/** `messaging.nats.message.stream_sequence`: the message's stream sequence. */
export const ATTR_MESSAGING_NATS_MESSAGE_STREAM_SEQUENCE = "messaging.nats.message.stream_sequence";
/** `messaging.nats.message.delivery_count`: 1 on first delivery. */
export const ATTR_MESSAGING_NATS_MESSAGE_DELIVERY_COUNT = "messaging.nats.message.delivery_count";
/** `messaging.nats.message.duplicate`: `true` when the server already had the published message. */
export const ATTR_MESSAGING_NATS_MESSAGE_DUPLICATE = "messaging.nats.message.duplicate";
/** `messaging.nats.message.ttl`: the `Nats-TTL` header a write sent (`"5s"`, `"never"`; nats-server 2.11+). */
export const ATTR_MESSAGING_NATS_MESSAGE_TTL = "messaging.nats.message.ttl";
/** `messaging.nats.counter.increment`: the amount a counter increment added (decimal string, `Nats-Incr`). */
export const ATTR_MESSAGING_NATS_COUNTER_INCREMENT = "messaging.nats.counter.increment";
/** `messaging.nats.counter.value`: the counter's total after the increment (decimal string, from the ack). */
export const ATTR_MESSAGING_NATS_COUNTER_VALUE = "messaging.nats.counter.value";
/** `messaging.nats.schedule`: the `Nats-Schedule` of a scheduled message (`@at …`, `@every …`, cron). */
export const ATTR_MESSAGING_NATS_SCHEDULE = "messaging.nats.schedule";
/** `messaging.nats.schedule.target`: the subject a scheduled message is delivered to (`Nats-Schedule-Target`). */
export const ATTR_MESSAGING_NATS_SCHEDULE_TARGET = "messaging.nats.schedule.target";
/** `messaging.nats.consumer.pinned_id`: the pin id a message was delivered under (`Nats-Pin-Id`, priority group `pinned_client`). */
export const ATTR_MESSAGING_NATS_CONSUMER_PINNED_ID = "messaging.nats.consumer.pinned_id";
/** `messaging.nats.publish.attempts`: attempts a publish made, when more than one. */
export const ATTR_MESSAGING_NATS_PUBLISH_ATTEMPTS = "messaging.nats.publish.attempts";
/** `messaging.nats.subject`: the subject, also when the `destination` option renamed it. */
export const ATTR_MESSAGING_NATS_SUBJECT = "messaging.nats.subject";
/** `messaging.nats.receive.mode`: `fetch`, `fetchBytes`, `fetchNoWait` or `next`. */
export const ATTR_MESSAGING_NATS_RECEIVE_MODE = "messaging.nats.receive.mode";
/** `messaging.nats.nak.delay_ms`: the redelivery delay a nak asked for. */
export const ATTR_MESSAGING_NATS_NAK_DELAY_MS = "messaging.nats.nak.delay_ms";
/** `messaging.nats.consumer.ordered`: whether the consumer is ordered. */
export const ATTR_MESSAGING_NATS_CONSUMER_ORDERED = "messaging.nats.consumer.ordered";
/** `messaging.nats.consumer.pause_until`: when a consumer's pause ends (ISO 8601), on `consumer.pause` and a `consumer.create` that starts paused (nats-server 2.11+). */
export const ATTR_MESSAGING_NATS_CONSUMER_PAUSE_UNTIL = "messaging.nats.consumer.pause_until";
/** `messaging.nats.consumer.priority_group`: the priority group of a `consumer.unpin` (nats-server 2.11+). */
export const ATTR_MESSAGING_NATS_CONSUMER_PRIORITY_GROUP = "messaging.nats.consumer.priority_group";
/** `messaging.nats.consumer.status`: the client's consume notification. */
export const ATTR_MESSAGING_NATS_CONSUMER_STATUS = "messaging.nats.consumer.status";
/** `messaging.nats.consumer.status.ends`: whether that notification ended the consume. */
export const ATTR_MESSAGING_NATS_CONSUMER_STATUS_ENDS = "messaging.nats.consumer.status.ends";
/** `messaging.nats.process.mode`: the core NATS handler a message went to, `subscribe` or `reply`. */
export const ATTR_MESSAGING_NATS_PROCESS_MODE = "messaging.nats.process.mode";
/** `messaging.nats.kv.bucket`: the key-value bucket. */
export const ATTR_MESSAGING_NATS_KV_BUCKET = "messaging.nats.kv.bucket";
/** `messaging.nats.kv.key`: the key. */
export const ATTR_MESSAGING_NATS_KV_KEY = "messaging.nats.kv.key";
/** `messaging.nats.kv.revision`: the revision written or read. */
export const ATTR_MESSAGING_NATS_KV_REVISION = "messaging.nats.kv.revision";
/** `messaging.nats.kv.outcome`: `key_exists` when a `kv.create` found the key (not an error). */
export const ATTR_MESSAGING_NATS_KV_OUTCOME = "messaging.nats.kv.outcome";

/** `messaging.nats.deadletter.reason`: why a message was dead-lettered, `max_deliver` or `permanent`. */
export const ATTR_MESSAGING_NATS_DEADLETTER_REASON = "messaging.nats.deadletter.reason";
/** `messaging.nats.deadletter.error_type`: the code or class of the handler error that dead-lettered it. */
export const ATTR_MESSAGING_NATS_DEADLETTER_ERROR_TYPE = "messaging.nats.deadletter.error_type";
/** `messaging.nats.deadletter.sequence`: the dead letter's sequence in the dead-letter stream. */
export const ATTR_MESSAGING_NATS_DEADLETTER_SEQUENCE = "messaging.nats.deadletter.sequence";

/** `messaging.system` of every span and metric point. */
export const MESSAGING_SYSTEM_VALUE_NATS = "nats";
/** `messaging.operation.type` of a publish. */
export const MESSAGING_OPERATION_TYPE_VALUE_SEND = "send";
/** `messaging.operation.type` of the `create` span of each message of an atomic batch. */
export const MESSAGING_OPERATION_TYPE_VALUE_CREATE = "create";
/** `messaging.operation.type` of a fetch, `fetchNoWait` or `next()`. */
export const MESSAGING_OPERATION_TYPE_VALUE_RECEIVE = "receive";
/** `messaging.operation.type` of a message handed to a consume handler. */
export const MESSAGING_OPERATION_TYPE_VALUE_PROCESS = "process";
/** `messaging.operation.type` of an ack, nak, term or working. */
export const MESSAGING_OPERATION_TYPE_VALUE_SETTLE = "settle";
/** `error.type` when nothing more precise is known. */
export const ERROR_TYPE_VALUE_OTHER = "_OTHER";
/** `messaging.nats.kv.outcome` of a `kv.create` whose key existed. */
export const MESSAGING_NATS_KV_OUTCOME_VALUE_KEY_EXISTS = "key_exists";

/** Histogram `messaging.client.operation.duration` (s): all but `process`, `consumer.status`. */
export const METRIC_MESSAGING_CLIENT_OPERATION_DURATION = "messaging.client.operation.duration";
/** Histogram `messaging.process.duration` (s): each consume handler call, auto-ack included. */
export const METRIC_MESSAGING_PROCESS_DURATION = "messaging.process.duration";
/** Observable counter `messaging.client.sent.messages`: each publish, failed ones too. */
export const METRIC_MESSAGING_CLIENT_SENT_MESSAGES = "messaging.client.sent.messages";
/** Observable counter `messaging.client.consumed.messages`: messages received or handled. */
export const METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES = "messaging.client.consumed.messages";
/** Observable counter `messaging.nats.client.reconnects`: each reconnect. */
export const METRIC_MESSAGING_NATS_CLIENT_RECONNECTS = "messaging.nats.client.reconnects";

/** Observable gauge `messaging.nats.consumer.pending`: messages not yet delivered (`num_pending`). */
export const METRIC_MESSAGING_NATS_CONSUMER_PENDING = "messaging.nats.consumer.pending";
/** Observable gauge `messaging.nats.consumer.ack_pending`: delivered, waiting for an ack. */
export const METRIC_MESSAGING_NATS_CONSUMER_ACK_PENDING = "messaging.nats.consumer.ack_pending";
/** Observable gauge `messaging.nats.consumer.redelivered`: redelivered, not yet acked. */
export const METRIC_MESSAGING_NATS_CONSUMER_REDELIVERED = "messaging.nats.consumer.redelivered";
/** Observable gauge `messaging.nats.consumer.waiting`: pull requests waiting at the server. */
export const METRIC_MESSAGING_NATS_CONSUMER_WAITING = "messaging.nats.consumer.waiting";
/** Observable gauge `messaging.nats.consumer.last_active.age` (s): time since the last delivery or ack. */
export const METRIC_MESSAGING_NATS_CONSUMER_LAST_ACTIVE_AGE =
  "messaging.nats.consumer.last_active.age";

/** Observable counter `messaging.nats.consumer.dead_lettered`: messages stored as dead letters, by reason. */
export const METRIC_MESSAGING_NATS_CONSUMER_DEAD_LETTERED = "messaging.nats.consumer.dead_lettered";

/** The semantic conventions' bucket advice for messaging durations, in seconds. */
export const DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
