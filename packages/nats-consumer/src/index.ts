export { isRetryable } from "@helix/nats-core";
export { createConsumerManager } from "./consumer-manager.js";
export type { DeliveryInfo } from "./delivered-message.js";
export type { Msg } from "./msg.js";
export { defaultNakDelay, type NakDelay } from "./nak-delay.js";
export type {
  CallOptions,
  ConsumeContext,
  ConsumeErrorContext,
  ConsumeOptions,
  Consumer,
  ConsumerConfig,
  ConsumerManager,
  ConsumerStatus,
  FetchOptions,
  HandlerContext,
  MessagesContext,
  MessagesOptions,
  MsgHandler,
  OrderedConfig,
  PullOptions,
  StreamConsumers,
} from "./types.js";
