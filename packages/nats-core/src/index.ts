export {
  type AddressProblem,
  type ParsedAddress,
  parseAddress,
  redactAddress,
} from "./address.js";
export type { AuthConfig, Config, JetStreamConfig, ReconnectConfig, TlsConfig } from "./config.js";
export { defaults } from "./config.js";
export {
  type ResolvedAuth,
  type ResolvedConfig,
  type ResolvedTls,
  resolveConfig,
} from "./config-validation.js";
export { connect } from "./connect.js";
export { type Connection, type DrainHook, isConnection } from "./connection.js";
export { type ErrorContext, JetStreamCodes, toHelixError } from "./error-mapping.js";
export {
  CancelledError,
  ConfigError,
  type ConfigReason,
  ConnectionError,
  DecodeError,
  type DecodeSource,
  formatPath,
  HelixError,
  type HelixErrorCode,
  type HelixErrorOptions,
  hasErrorCode,
  isHelixError,
  isRetryable,
  JetStreamApiError,
  JetStreamUnavailableError,
  KeyExistsError,
  LimitExceededError,
  type LimitName,
  MiddlewareError,
  NotFoundError,
  type NotFoundKind,
  PermissionError,
  TimeoutError,
  UnsupportedFeatureError,
  ValidationError,
  type ValidationIssue,
  WrongRevisionError,
} from "./errors.js";
export type { ConnectionEvent, ConnectionEventType } from "./events.js";
export {
  canonicalHeaderName,
  copyHeaders,
  deleteHeader,
  getHeader,
  getHeaderValues,
  type HeadersInit,
  hasHeader,
  setHeader,
  setHeaderIfAbsent,
} from "./headers.js";
export type { ConnectionState, HealthStatus } from "./health.js";
export {
  COMPLETED,
  type Middleware,
  type MiddlewarePlacement,
  MiddlewareStack,
  type Plugin,
} from "./middleware.js";
export {
  assertConsumerName,
  assertStreamName,
  assertSubject,
  type SubjectUse,
} from "./names.js";
export type {
  BatchMessage,
  CallOptions,
  ClientInfo,
  ConnectionEventOperation,
  ConsumerHealth,
  ConsumerHealthOperation,
  ConsumerOperation,
  ConsumerOperationKind,
  ConsumerStatusOperation,
  CoreMessage,
  CoreProcessMode,
  CoreProcessOperation,
  CorePublishOperation,
  CoreRequestOperation,
  DeadLetterOperation,
  DeadLetterOperationKind,
  DeliveredMessage,
  KvOperation,
  KvOperationName,
  Operation,
  OperationBase,
  OperationKind,
  OperationOf,
  ProcessOperation,
  PublishAck,
  PublishBatchAck,
  PublishBatchOperation,
  PublishOperation,
  ReceiveMode,
  ReceiveOperation,
  SettleAction,
  SettleOperation,
  StreamOperation,
  StreamOperationKind,
} from "./operations.js";
export type { NotAFunction, Payload } from "./payload.js";
export {
  type InferInput,
  type InferOutput,
  isStandardSchema,
  type StandardSchemaV1,
  type StandardSchemaV1FailureResult,
  type StandardSchemaV1Issue,
  type StandardSchemaV1PathSegment,
  type StandardSchemaV1Props,
  type StandardSchemaV1Result,
  type StandardSchemaV1SuccessResult,
  type StandardSchemaV1Types,
} from "./schema.js";
export { detectServiceName } from "./service-name.js";
export { type Shutdown, type ShutdownOptions, shutdownOnSignal } from "./shutdown.js";
