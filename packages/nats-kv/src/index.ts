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
  KeyValueOpenOptions,
  KeyValueOperationType,
  KeyValueRetryOptions,
  KeyValueStatus,
  KeyValueWatchEntry,
  KeyValueWatcher,
  KeyValueWatchOptions,
  KvCallOptions,
  PurgeDeletesOptions,
  WatchOptions,
} from "./types.js";
