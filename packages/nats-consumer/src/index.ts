export type { CallOptions, ConsumerHealth } from "@helix/nats-core";
export { isRetryable } from "@helix/nats-core";
export {
  DEFAULT_HEALTH_INTERVAL_MS,
  MIN_HEALTH_INTERVAL_MS,
  watchConsumerHealth,
} from "./consumer-health.js";
export {
  DEAD_LETTER_HEADER_PREFIX,
  DeadLetterHeaders,
  type DeadLetterReason,
  defaultDeadLetterStream,
  defaultDeadLetterSubject,
} from "./dead-letter.js";
export { createDeadLetters, REPLAYED_FROM_HEADER } from "./dead-letters.js";
export { createConsumerManager } from "./manager.js";
export { defaultNakDelay } from "./nak-delay.js";
export { isPermanentError } from "./retry.js";
export { validateMsg } from "./schema.js";
export type {
  ConsumeContext,
  ConsumeErrorContext,
  ConsumeOptions,
  Consumer,
  ConsumerConfig,
  ConsumerDetails,
  ConsumerDurationsMs,
  ConsumerHealthOptions,
  ConsumerHealthWatch,
  ConsumerManager,
  ConsumerPauseConfig,
  ConsumerStatus,
  DeadLetter,
  DeadLetterFilter,
  DeadLetterOptions,
  DeadLetters,
  DeadLettersOptions,
  DeliveryInfo,
  DrainOptions,
  FetchOptions,
  HandlerContext,
  KeepAliveOptions,
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
  ReplayedDeadLetter,
  ReplayOptions,
  RetryOptions,
  StopOptions,
  StreamConsumers,
  TypedMsg,
  TypedMsgHandler,
} from "./types.js";
