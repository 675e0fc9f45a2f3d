// The orders demo (first step): connect through @helix/nats-core, publish a few orders to a
// JetStream stream and read them back. The full pipeline arrives with the stream, consumer, kv
// and otel packages.
import { parseArgs } from "node:util";
import { connect } from "@helix/nats-core";
import { startServer } from "@helix/nats-testing";
import { DeliverPolicy } from "@nats-io/jetstream";

const { values } = parseArgs({ options: { count: { type: "string", default: "10" } } });
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

  const stream = `ORDERS_${Date.now()}`;
  const jsm = await conn.manager();
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });

  for (let i = 1; i <= count; i++) {
    const order = { id: i, item: "coffee", quantity: (i % 3) + 1 };
    await conn.jetstream.publish(`${stream}.created`, JSON.stringify(order), {
      msgID: `order-${i}`,
    });
  }
  console.log(`published ${count} orders to ${stream}`);

  const consumer = await conn.jetstream.consumers.get(stream, {
    deliver_policy: DeliverPolicy.All,
  });
  let read = 0;
  let quantity = 0;
  const batch = await consumer.fetch({ max_messages: count, expires: 2_000 });
  for await (const msg of batch) {
    quantity += msg.json<{ quantity: number }>().quantity;
    read++;
    if (read === count) break;
  }
  await jsm.streams.delete(stream);
  console.log(`${count} orders, ${read} read back, ${quantity} items, ${count - read} lost`);
  if (read !== count) process.exitCode = 1;
} finally {
  await server?.stop();
}
