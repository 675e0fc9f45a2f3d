// Command helix-interop is the Go side of helix-nats' cross-language interop test
// (interop.int.test.ts). It stands in for a Go service built on helix.go's NATS integration:
// nats.go's jetstream package, the OpenTelemetry Go SDK, and helix.go's header carrier
// (propagation.HeaderCarrier over the message's nats.Header). See README.md.
//
// Each subcommand does one thing against -url and prints one JSON object on stdout (kv-watch
// prints one JSON object per line). A failure prints {"error": "..."} on stderr and exits 1.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// command is one subcommand: it reads its flags from fs and runs against a JetStream context.
type command struct {
	usage string
	flags func(fs *flag.FlagSet) func(ctx context.Context, env *env) (any, error)
}

// env is what every subcommand gets: the connection, its JetStream context and the tracing.
type env struct {
	nc     *nats.Conn
	js     jetstream.JetStream
	traces *tracing
	out    *json.Encoder
}

var commands = map[string]command{
	"publish":         publishCommand,
	"consume-one":     consumeOneCommand,
	"create-stream":   createStreamCommand,
	"create-consumer": createConsumerCommand,
	"stream-info":     streamInfoCommand,
	"consumer-info":   consumerInfoCommand,
	"kv-create":       kvCreateCommand,
	"kv-put":          kvPutCommand,
	"kv-get":          kvGetCommand,
	"kv-delete":       kvDeleteCommand,
	"kv-purge":        kvPurgeCommand,
	"kv-history":      kvHistoryCommand,
	"kv-watch":        kvWatchCommand,
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		msg, _ := json.Marshal(map[string]string{"error": err.Error()})
		fmt.Fprintln(os.Stderr, string(msg))
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: helix-interop <%s> -url nats://127.0.0.1:4222 [flags]", names())
	}
	cmd, ok := commands[args[0]]
	if !ok {
		return fmt.Errorf("unknown command %q: want one of %s", args[0], names())
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: helix-interop %s\n", cmd.usage)
		fs.PrintDefaults()
	}
	url := fs.String("url", nats.DefaultURL, "NATS server URL")
	timeout := fs.Duration("timeout", 20*time.Second, "deadline of the whole command")
	exec := cmd.flags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	nc, err := nats.Connect(*url, nats.Name("helix-interop-go"))
	if err != nil {
		return fmt.Errorf("connect %s: %w", *url, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	traces := newTracing()
	defer traces.shutdown()

	e := &env{nc: nc, js: js, traces: traces, out: json.NewEncoder(os.Stdout)}
	result, err := exec(ctx, e)
	if err != nil {
		return err
	}
	if result != nil {
		if err := e.out.Encode(result); err != nil {
			return err
		}
	}
	// Flush so that every publish and ack this command made has reached the server.
	return nc.FlushWithContext(ctx)
}

func names() string {
	list := make([]string, 0, len(commands))
	for name := range commands {
		list = append(list, name)
	}
	sort.Strings(list)
	return strings.Join(list, "|")
}

// splitList reads a comma-separated flag value ("" is no items).
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
