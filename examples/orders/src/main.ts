// The orders demo (second step): a producer publishes orders with @helix/nats-stream, a worker
// consumes them with @helix/nats-consumer, and the totals land in a @helix/nats-kv bucket. The
// tracing and metrics arrive with @helix/nats-otel.
import { parseArgs } from "node:util";
import { createConsumerManager } from "@helix/nats-consumer";
import { connect } from "@helix/nats-core";
import { createKeyValueManager } from "@helix/nats-kv";
import { createPublisher, createStreamManager } from "@helix/nats-stream";
import { startServer } from "@helix/nats-testing";

interface Order {
  id: number;
  item: string;
  quantity: number;
}

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"), // `npm run demo -- --count 5` works too
  options: { count: { type: "string", default: "10" } },
});
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1) throw new Error("--count must be a positive integer");

const server = process.env.NATS_URL ? undefined : await startServer();
const url = process.env.NATS_URL ?? server?.url;
console.log(`nats-server: ${server ? `started at ${url}` : `using NATS_URL ${url}`}`);

try {
  await using conn = await connect({ addresses: [url as string], name: "orders-demo" });
  const health = await conn.status();
  console.log(
    `connected: ${health.code} (${health.connection}, JetStream ${health.jetstream ? "on" : "off"})`,
  );

  const name = `ORDERS_${Date.now()}`;
  const streams = createStreamManager(conn);
  const stream = await streams.create({ name, subjects: [`${name}.>`] });
  const totals = await createKeyValueManager(conn).create({ bucket: `${name}_totals` });

  // Producer: asynchronous publishes through a window, each with its own message ID.
  const publisher = createPublisher(conn, { maxPending: 256 });
  for (let i = 1; i <= count; i++) {
    const order: Order = { id: i, item: "coffee", quantity: (i % 3) + 1 };
    await publisher.publishAsync(`${name}.created`, order, { msgID: `order-${i}` });
  }
  const published = await publisher.complete();
  console.log(`published ${published.acked} orders to ${name} (${published.failed} failed)`);

  // Worker: handlers that return are acked; the last one stops the consume.
  const consumer = await createConsumerManager(conn).createOrUpdate(name, {
    durable_name: "billing",
    ack_policy: "explicit",
  });
  let read = 0;
  let quantity = 0;
  let done: () => void = () => {};
  const allRead = new Promise<void>((resolve) => {
    done = resolve;
  });
  const consuming = consumer.consume(
    async (msg) => {
      quantity += msg.json<Order>().quantity;
      read++;
      if (read === count) done();
    },
    { concurrency: 4 },
  );
  await Promise.race([allRead, consuming.closed]);
  await consuming.drain();

  await totals.put("orders", { count: read, items: quantity });
  const saved = await totals.get("orders");
  console.log(`totals in kv: ${saved?.string()} (revision ${saved?.revision})`);

  await streams.delete(stream.name);
  await createKeyValueManager(conn).delete(totals.bucket);
  console.log(`${count} orders, ${read} read back, ${quantity} items, ${count - read} lost`);
  if (read !== count) process.exitCode = 1;
} finally {
  await server?.stop();
}
