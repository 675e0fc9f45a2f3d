import {
  type Connection,
  type ConsumerOperation,
  type ConsumerOperationKind,
  toHelixError,
} from "@helix/nats-core";
import { abortable, throwIfAborted } from "@helix/nats-core/internal";
import type { JetStreamManager } from "@nats-io/jetstream";

/**
 * Runs a consumer management call through the middleware stack as a `ConsumerOperation` and maps
 * client errors. `op.consumer` may be filled by `terminal` once the server named the consumer.
 */
export async function runConsumerOperation<T>(
  conn: Connection,
  fields: {
    kind: ConsumerOperationKind;
    stream: string;
    consumer: string | undefined;
    ordered?: boolean;
  },
  signal: AbortSignal | undefined,
  terminal: (jsm: JetStreamManager, op: ConsumerOperation) => Promise<T>,
): Promise<T> {
  throwIfAborted(signal, fields.kind);
  const op: ConsumerOperation = {
    kind: fields.kind,
    client: conn.client,
    stream: fields.stream,
    consumer: fields.consumer,
    ordered: fields.ordered ?? false,
    ...(signal ? { signal } : {}),
  };
  return conn.run(op, async () => {
    try {
      const jsm = await abortable(conn.manager(), signal, fields.kind);
      return await abortable(terminal(jsm, op), signal, fields.kind);
    } catch (err) {
      throw toHelixError(err, {
        what: fields.consumer === undefined ? "stream" : "consumer",
        resource: fields.consumer ?? fields.stream,
        operation: fields.kind,
      });
    }
  });
}
