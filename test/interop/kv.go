package main

import (
	"context"
	"errors"
	"flag"

	"github.com/nats-io/nats.go/jetstream"
)

// kvEntry is a KeyValueEntry as the TypeScript side compares it. Operation is Go's own name
// (KeyValueEntry.Operation().String(): KeyValuePutOp, KeyValueDeleteOp, KeyValuePurgeOp) and
// Value is base64 in JSON, so any bytes survive.
type kvEntry struct {
	Bucket    string `json:"bucket"`
	Key       string `json:"key"`
	Value     []byte `json:"value"`
	Revision  uint64 `json:"revision"`
	Operation string `json:"operation"`
	Delta     uint64 `json:"delta"`
	CreatedMs int64  `json:"createdMs"`
}

func entryOf(e jetstream.KeyValueEntry) kvEntry {
	value := e.Value()
	if value == nil {
		value = []byte{}
	}
	return kvEntry{
		Bucket:    e.Bucket(),
		Key:       e.Key(),
		Value:     value,
		Revision:  e.Revision(),
		Operation: e.Operation().String(),
		Delta:     e.Delta(),
		CreatedMs: e.Created().UnixMilli(),
	}
}

// kvFlags registers -bucket and returns a function opening that bucket.
func kvFlags(fs *flag.FlagSet) func(context.Context, *env) (jetstream.KeyValue, error) {
	bucket := fs.String("bucket", "", "bucket name")
	return func(ctx context.Context, e *env) (jetstream.KeyValue, error) {
		return e.js.KeyValue(ctx, *bucket)
	}
}

var kvCreateCommand = command{
	usage: "kv-create -bucket B [-history 1]",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) (any, error) {
		bucket := fs.String("bucket", "", "bucket name")
		history := fs.Uint("history", 1, "values kept per key")
		return func(ctx context.Context, e *env) (any, error) {
			kv, err := e.js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
				Bucket:  *bucket,
				History: uint8(*history),
			})
			if err != nil {
				return nil, err
			}
			status, err := kv.Status(ctx)
			if err != nil {
				return nil, err
			}
			return map[string]any{
				"bucket":  status.Bucket(),
				"history": status.History(),
				"values":  status.Values(),
				"stream":  status.(*jetstream.KeyValueBucketStatus).StreamInfo().Config.Name,
			}, nil
		}
	},
}

var kvPutCommand = command{
	usage: "kv-put -bucket B -key K [-value TEXT | -value-b64 B64]",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) (any, error) {
		open := kvFlags(fs)
		key := fs.String("key", "", "key")
		value := fs.String("value", "", "value, UTF-8")
		valueB64 := fs.String("value-b64", "", "value, base64")
		return func(ctx context.Context, e *env) (any, error) {
			kv, err := open(ctx, e)
			if err != nil {
				return nil, err
			}
			body, err := payload(*value, *valueB64)
			if err != nil {
				return nil, err
			}
			rev, err := kv.Put(ctx, *key, body)
			if err != nil {
				return nil, err
			}
			return map[string]any{"revision": rev}, nil
		}
	},
}

// kv-get: the latest entry (or one -revision); {"found": false} for jetstream.ErrKeyNotFound,
// which Go returns for a missing key and for a delete or purge marker alike.
var kvGetCommand = command{
	usage: "kv-get -bucket B -key K [-revision N]",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) (any, error) {
		open := kvFlags(fs)
		key := fs.String("key", "", "key")
		revision := fs.Uint64("revision", 0, "a revision instead of the latest")
		return func(ctx context.Context, e *env) (any, error) {
			kv, err := open(ctx, e)
			if err != nil {
				return nil, err
			}
			var entry jetstream.KeyValueEntry
			if *revision > 0 {
				entry, err = kv.GetRevision(ctx, *key, *revision)
			} else {
				entry, err = kv.Get(ctx, *key)
			}
			if errors.Is(err, jetstream.ErrKeyNotFound) {
				return map[string]any{"found": false}, nil
			}
			if err != nil {
				return nil, err
			}
			return map[string]any{"found": true, "entry": entryOf(entry)}, nil
		}
	},
}

func markerCommand(purge bool) command {
	name := "kv-delete"
	if purge {
		name = "kv-purge"
	}
	return command{
		usage: name + " -bucket B -key K [-last-revision N]",
		flags: func(fs *flag.FlagSet) func(context.Context, *env) (any, error) {
			open := kvFlags(fs)
			key := fs.String("key", "", "key")
			last := fs.Uint64("last-revision", 0, "only if this is the key's latest revision")
			return func(ctx context.Context, e *env) (any, error) {
				kv, err := open(ctx, e)
				if err != nil {
					return nil, err
				}
				var opts []jetstream.KVDeleteOpt
				if *last > 0 {
					opts = append(opts, jetstream.LastRevision(*last))
				}
				if purge {
					err = kv.Purge(ctx, *key, opts...)
				} else {
					err = kv.Delete(ctx, *key, opts...)
				}
				if err != nil {
					return nil, err
				}
				return map[string]any{"ok": true}, nil
			}
		},
	}
}

var (
	kvDeleteCommand = markerCommand(false)
	kvPurgeCommand  = markerCommand(true)
)

var kvHistoryCommand = command{
	usage: "kv-history -bucket B -key K",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) (any, error) {
		open := kvFlags(fs)
		key := fs.String("key", "", "key")
		return func(ctx context.Context, e *env) (any, error) {
			kv, err := open(ctx, e)
			if err != nil {
				return nil, err
			}
			entries := []kvEntry{}
			history, err := kv.History(ctx, *key)
			if err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
				return nil, err
			}
			for _, h := range history {
				entries = append(entries, entryOf(h))
			}
			return map[string]any{"entries": entries}, nil
		}
	},
}

// kv-watch: prints each entry of a watch as one JSON line ({"entry": {...}}), a {"ready": true}
// line once the initial values are delivered (at once with -updates-only), and exits after
// -count entries that came after that line.
var kvWatchCommand = command{
	usage: "kv-watch -bucket B [-keys >] -count N [-updates-only]",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) (any, error) {
		open := kvFlags(fs)
		keys := fs.String("keys", jetstream.AllKeys, "key or filter")
		count := fs.Int("count", 1, "live entries to print before exiting")
		updatesOnly := fs.Bool("updates-only", false, "no initial values")
		return func(ctx context.Context, e *env) (any, error) {
			kv, err := open(ctx, e)
			if err != nil {
				return nil, err
			}
			var opts []jetstream.WatchOpt
			if *updatesOnly {
				opts = append(opts, jetstream.UpdatesOnly())
			}
			w, err := kv.Watch(ctx, *keys, opts...)
			if err != nil {
				return nil, err
			}
			defer func() { _ = w.Stop() }()
			ready := *updatesOnly
			if ready {
				if err := e.out.Encode(map[string]any{"ready": true}); err != nil {
					return nil, err
				}
			}
			live := 0
			for live < *count {
				select {
				case <-ctx.Done():
					return nil, ctx.Err()
				case entry, ok := <-w.Updates():
					if !ok {
						return nil, errors.New("watch closed")
					}
					if entry == nil {
						ready = true
						if err := e.out.Encode(map[string]any{"ready": true}); err != nil {
							return nil, err
						}
						continue
					}
					if ready {
						live++
					}
					if err := e.out.Encode(map[string]any{"entry": entryOf(entry), "live": ready}); err != nil {
						return nil, err
					}
				}
			}
			return nil, nil
		}
	},
}
