export type { CallOptions } from "@helix/nats-core";
export { isRetryable } from "@helix/nats-core";
export { createConsumerManager } from "./manager.js";
export { defaultNakDelay } from "./nak-delay.js";
export type {
  ConsumeContext,
  ConsumeErrorContext,
  ConsumeOptions,
  Consumer,
  ConsumerConfig,
  ConsumerDetails,
  ConsumerDurationsMs,
  ConsumerManager,
  ConsumerPauseConfig,
  ConsumerStatus,
  DeliveryInfo,
  DrainOptions,
  FetchOptions,
  HandlerContext,
  MessagesContext,
  MessagesOptions,
  Msg,
  MsgHandler,
  NakDelay,
  OrderedConfig,
  PauseState,
  PriorityGroupState,
  PriorityPullOptions,
  PullOptions,
  PushOnlyField,
  StopOptions,
  StreamConsumers,
} from "./types.js";
