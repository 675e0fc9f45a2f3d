export type { CallOptions } from "@helix/nats-core";
export { isRetryable } from "@helix/nats-core";
export { BatchPublishError } from "./errors.js";
export { isStream } from "./handle.js";
export { createStreamManager } from "./manager.js";
export { createPublisher } from "./publisher.js";
export type {
  BatchAck,
  BatchCommitOptions,
  BatchMessageOptions,
  FailedPublish,
  GetBatchOptions,
  GetMsgOptions,
  IncrementOptions,
  PubAck,
  PublishBatch,
  PublishCompletion,
  PublishData,
  PublishExpectations,
  Publisher,
  PublisherOptions,
  PublishFuture,
  PublishOptions,
  PurgeOptions,
  RetryOptions,
  RetryReason,
  ScheduledMessage,
  ScheduleOptions,
  SchemaPublishOptions,
  StoredMessage,
  Stream,
  StreamCreateConfig,
  StreamDurationsMs,
  StreamManager,
  StreamUpdateInput,
  TypedPublisher,
} from "./types.js";
