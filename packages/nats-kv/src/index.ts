export { type CallOptions, isRetryable } from "@helix/nats-core";
export { createKeyValueManager } from "./manager.js";
export type {
  KeyValue,
  KeyValueConfig,
  KeyValueDeleteOptions,
  KeyValueEntry,
  KeyValueInput,
  KeyValueManager,
  KeyValueManagerOptions,
  KeyValueMarkerReason,
  KeyValueOpenOptions,
  KeyValueOperationType,
  KeyValuePurgeOptions,
  KeyValueRetryOptions,
  KeyValueStatus,
  KeyValueWatchEntry,
  KeyValueWatcher,
  KeyValueWatchOptions,
  KeyValueWriteOptions,
  KvCallOptions,
  PurgeDeletesOptions,
  WatchOptions,
} from "./types.js";
