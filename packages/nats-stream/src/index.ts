export type { CallOptions } from "@helix/nats-core";
export { isRetryable } from "@helix/nats-core";
export { isStream } from "./handle.js";
export { createStreamManager } from "./manager.js";
export { createPublisher } from "./publisher.js";
export type {
  FailedPublish,
  GetMsgOptions,
  IncrementOptions,
  PubAck,
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
  StoredMessage,
  Stream,
  StreamCreateConfig,
  StreamDurationsMs,
  StreamManager,
  StreamUpdateInput,
} from "./types.js";
