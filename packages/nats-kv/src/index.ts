export { isRetryable } from "@helix/nats-core";
export type { KeyValueConfig } from "./bucket-config.js";
export type { KeyValueEntry, KeyValueOperationType, KeyValueWatchEntry } from "./entry.js";
export type {
  KeyValue,
  KeyValueDeleteOptions,
  KeyValueInput,
  KeyValueWatchOptions,
  PurgeDeletesOptions,
} from "./keyvalue.js";
export { createKeyValueManager, type KeyValueManager } from "./manager.js";
export type { KvCallOptions } from "./run.js";
export type { KeyValueStatus } from "./status.js";
export type { KeyValueWatcher, WatchOptions } from "./watcher.js";
