import { NotFoundError, UnsupportedFeatureError, ValidationError } from "@helix/nats-core";
import { versionAtLeast } from "@helix/nats-core/internal";
import { ofKind } from "@helix/nats-testing/vitest";
import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsumerManager } from "../src/index.js";
import { publish, setup, type TestContext } from "./helpers.js";

let t: TestContext;
beforeAll(async () => {
  t = await setup("consumer-int-manager");
});
afterAll(() => t.close());

describe("consumer management", () => {
  it("creates a durable consumer with filter, ack policy, max deliver and backoff; gets it back", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    t.ops.length = 0;
    const created = await consumers.createOrUpdate(stream, {
      durable_name: "worker",
      filter_subject: `${stream}.orders.*`,
      ack_policy: AckPolicy.Explicit,
      max_deliver: 5,
      backoff: [nanos(100), nanos(500)],
    });
    expect(created.name).toBe("worker");
    expect(created.stream).toBe(stream);
    expect(created.ordered).toBe(false);
    expect(created.config).toMatchObject({
      durable_name: "worker",
      filter_subject: `${stream}.orders.*`,
      ack_policy: "explicit",
      max_deliver: 5,
      backoff: [nanos(100), nanos(500)],
    });
    const got = await consumers.get(stream, "worker");
    expect(got.name).toBe("worker");
    expect(got.config.filter_subject).toBe(`${stream}.orders.*`);
    expect((await got.info()).name).toBe("worker");
    const kinds = t.ops.map((op) => op.kind);
    expect(kinds).toEqual(["consumer.create", "consumer.get", "consumer.get"]);
    expect(ofKind(t.ops, "consumer.create")[0]).toMatchObject({
      stream,
      consumer: "worker",
      ordered: false,
    });
  });

  it("createOrUpdate updates an existing durable instead of failing", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    await consumers.createOrUpdate(stream, { durable_name: "upd", max_deliver: 3 });
    const updated = await consumers.createOrUpdate(stream, {
      durable_name: "upd",
      max_deliver: 7,
      description: "second",
    });
    expect(updated.config.max_deliver).toBe(7);
    expect(updated.config.description).toBe("second");
    expect((await consumers.list(stream)).map((c) => c.name)).toEqual(["upd"]);
  });

  it("creates an ephemeral consumer with the server's name", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    t.ops.length = 0;
    const eph = await consumers.createOrUpdate(stream, { ack_policy: AckPolicy.Explicit });
    expect(eph.name).toMatch(/\S+/);
    expect(eph.config.durable_name).toBeUndefined();
    const created = ofKind(t.ops, "consumer.create");
    expect(created[0]?.consumer).toBe(eph.name);
  });

  it("ordered consumers say they are ordered and keep their real name", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    t.ops.length = 0;
    const ordered = await consumers.ordered(stream, {
      filter_subjects: [`${stream}.a`],
      deliver_policy: DeliverPolicy.All,
    });
    expect(ordered.ordered).toBe(true);
    expect(ordered.stream).toBe(stream);
    expect(ordered.config.filter_subject).toBe(`${stream}.a`);
    expect((await ordered.info()).name).toBe(ordered.name);
    expect(ofKind(t.ops, "consumer.ordered")[0]).toMatchObject({
      stream,
      ordered: true,
      consumer: ordered.name,
    });
  });

  it("lists and deletes; a deleted consumer is a NotFoundError naming it", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    await consumers.createOrUpdate(stream, { durable_name: "a" });
    await consumers.createOrUpdate(stream, { durable_name: "b" });
    expect((await consumers.list(stream)).map((c) => c.name).sort()).toEqual(["a", "b"]);
    t.ops.length = 0;
    await consumers.delete(stream, "a");
    expect(t.ops.map((op) => op.kind)).toEqual(["consumer.delete"]);
    expect((await consumers.list(stream)).map((c) => c.name)).toEqual(["b"]);
    const err = await consumers.get(stream, "a").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ what: "consumer", resource: "a" });
    await expect(consumers.delete(stream, "a")).rejects.toBeInstanceOf(NotFoundError);
    await expect(consumers.get("NoSuchStream", "x")).rejects.toMatchObject({ what: "stream" });
  });

  it("forStream offers the same methods without the stream argument", async () => {
    const stream = await t.stream();
    const scoped = createConsumerManager(t.conn).forStream(stream);
    expect(scoped.stream).toBe(stream);
    const c = await scoped.createOrUpdate({ durable_name: "scoped" });
    expect(c.stream).toBe(stream);
    expect((await scoped.get("scoped")).name).toBe("scoped");
    expect((await scoped.list()).map((x) => x.name)).toEqual(["scoped"]);
    const o = await scoped.ordered();
    expect(o.ordered).toBe(true);
    await scoped.delete("scoped");
    expect((await scoped.list()).map((x) => x.name)).toEqual([o.name]);
  });

  it("several filter subjects: refused before sending anything before 2.10, created from 2.10 on", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    const version = t.conn.nats.info?.version ?? "";
    const filters = [`${stream}.a`, `${stream}.b`];
    t.ops.length = 0;
    if (versionAtLeast(version, "2.10.0")) {
      const multi = await consumers.createOrUpdate(stream, {
        durable_name: "multi",
        filter_subjects: filters,
      });
      expect(multi.config.filter_subjects).toEqual(filters);
      expect(multi.config.filter_subject).toBeUndefined();
      const ordered = await consumers.ordered(stream, { filter_subjects: filters });
      expect((await ordered.info()).config.filter_subjects).toEqual(filters);
      expect(t.ops.map((op) => op.kind)).toEqual([
        "consumer.create",
        "consumer.ordered",
        "consumer.get",
      ]);
    } else {
      const err = await consumers
        .createOrUpdate(stream, { durable_name: "multi", filter_subjects: filters })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnsupportedFeatureError);
      expect(err).toMatchObject({
        feature: "several filter subjects (use one filter subject or a wildcard)",
        requires: "2.10.0",
        serverVersion: version,
      });
      expect((err as Error).message).toBe(
        `several filter subjects (use one filter subject or a wildcard) needs nats-server 2.10.0 or newer; the server is ${version}`,
      );
      await expect(consumers.ordered(stream, { filter_subjects: filters })).rejects.toBeInstanceOf(
        UnsupportedFeatureError,
      );
      expect(t.ops).toEqual([]);
    }
    // One subject in an array is fine everywhere: it is sent as filter_subject.
    const one = await consumers.createOrUpdate(stream, {
      durable_name: "single",
      filter_subjects: [`${stream}.a`],
    });
    expect(one.config.filter_subject).toBe(`${stream}.a`);
  });

  it("a consumer created without ack_policy acks explicitly, so a failed message comes back", async () => {
    const stream = await t.stream();
    const consumers = createConsumerManager(t.conn);
    const plain = await consumers.createOrUpdate(stream, { durable_name: "plain" });
    expect(plain.config.ack_policy).toBe("explicit");
    const ephemeral = await consumers.createOrUpdate(stream, {});
    expect(ephemeral.config.ack_policy).toBe("explicit");
    // An update leaves the policy the consumer was created with.
    const none = await consumers.createOrUpdate(stream, {
      durable_name: "none",
      ack_policy: AckPolicy.None,
    });
    expect(none.config.ack_policy).toBe("none");
    const updated = await consumers.createOrUpdate(stream, {
      durable_name: "none",
      max_deliver: 4,
    });
    expect(updated.config).toMatchObject({ ack_policy: "none", max_deliver: 4 });

    await publish(t.conn, `${stream}.x`, 1);
    const deliveries: number[] = [];
    const run = plain.consume(
      (msg) => {
        deliveries.push(msg.info.deliveryCount);
        if (msg.info.deliveryCount === 1) throw new Error("first try fails");
        run.stop();
      },
      { nakDelayMs: 0, onError: () => {} },
    );
    await run.closed;
    expect(deliveries).toEqual([1, 2]);
  });

  it("validates names and config before any I/O", async () => {
    const consumers = createConsumerManager(t.conn);
    t.ops.length = 0;
    await expect(consumers.get("bad.stream", "x")).rejects.toBeInstanceOf(ValidationError);
    await expect(consumers.get("S", "bad name")).rejects.toBeInstanceOf(ValidationError);
    await expect(
      // @ts-expect-error push consumers are not in the config type (refused for JS callers too)
      consumers.createOrUpdate("S", { deliver_subject: "push.here" }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(consumers.createOrUpdate("S", { filter_subject: "a..b" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      consumers.createOrUpdate("S", { durable_name: "x", max_deliver: 2, backoffMs: [1, 2, 3] }),
    ).rejects.toThrow("max_deliver must be greater than the number of backoff steps");
    await expect(consumers.delete("S", "")).rejects.toBeInstanceOf(ValidationError);
    await expect(consumers.list("")).rejects.toBeInstanceOf(ValidationError);
    expect(() => consumers.forStream("a b")).toThrow(ValidationError);
    expect(() => createConsumerManager({} as never)).toThrow(ValidationError);
    expect(t.ops).toEqual([]);
  });
});
