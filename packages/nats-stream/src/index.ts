export { isRetryable } from "@helix/nats-core";
export type { PublishData } from "./payload.js";
export type {
  PubAck,
  PublishCompletion,
  PublishExpectations,
  Publisher,
  PublisherOptions,
  PublishFuture,
  PublishOptions,
  RetryOptions,
} from "./publish-types.js";
export { createPublisher } from "./publisher.js";
export { isStream } from "./stream-handle.js";
export { createStreamManager } from "./stream-manager.js";
export type {
  CallOptions,
  GetMsgOptions,
  PurgeOptions,
  StoredMessage,
  Stream,
  StreamCreateConfig,
  StreamManager,
  StreamUpdateInput,
} from "./stream-types.js";
