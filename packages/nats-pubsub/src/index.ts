export { type CallOptions, isRetryable } from "@helix/nats-core";
export {
  isNoRespondersError,
  isServiceError,
  NoRespondersError,
  SERVICE_ERROR_CODE_HEADER,
  SERVICE_ERROR_HEADER,
  ServiceError,
} from "./errors.js";
export { createPubSub } from "./pubsub.js";
export { DEFAULT_REQUEST_TIMEOUT_MS } from "./request.js";
export type {
  DrainOptions,
  ErrorInfo,
  HandlerContext,
  HandlerOptions,
  MsgHandler,
  PublishOptions,
  PubSub,
  PubSubMsg,
  ReplyHandler,
  ReplyOptions,
  RequestOptions,
  RequestRetryOptions,
  StopOptions,
  SubscribeOptions,
  Subscription,
} from "./types.js";
