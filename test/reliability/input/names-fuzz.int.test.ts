import { randomBytes } from "node:crypto";
import { createConsumerManager } from "@helix/nats-consumer";
import {
  assertConsumerName,
  assertStreamName,
  assertSubject,
  type Connection,
  connect,
  ValidationError,
} from "@helix/nats-core";
import { assertBucketName, assertKey } from "@helix/nats-core/internal";
import { createKeyValueManager, type KeyValue } from "@helix/nats-kv";
import { createPublisher, createStreamManager } from "@helix/nats-stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  invalidBucket,
  invalidFilterSubject,
  invalidKey,
  invalidPublishSubject,
  invalidResourceName,
  validBucket,
  validFilterSubject,
  validKey,
  validLongResourceName,
  validPublishSubject,
  validResourceName,
} from "./name-arbitraries.js";

const RUNS = 300;
/** Valid names are also created on the server: fewer runs, each is a round trip or two. */
const SERVER_RUNS = 40;

let conn: Connection;
let kv: KeyValue;
const stream = `NAMES${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  conn = await connect({ addresses: [inject("natsUrl")], name: "names-fuzz" });
  await createStreamManager(conn).create({ name: stream, subjects: [`${stream}.>`] });
  kv = await createKeyValueManager(conn).create({
    bucket: `names${randomBytes(4).toString("hex")}`,
  });
});
afterAll(async () => {
  await createStreamManager(conn)
    .delete(stream)
    .catch(() => {});
  await createKeyValueManager(conn)
    .delete(kv.bucket)
    .catch(() => {});
  await conn?.close();
});

/** Bytes written so far: unchanged across a property means nothing reached the server. */
const written = () => conn.nats.stats().outBytes;

async function expectValidationError(call: () => unknown, field?: string): Promise<void> {
  let err: unknown;
  try {
    await call();
  } catch (e) {
    err = e;
  }
  expect(err, "the call was accepted").toBeInstanceOf(ValidationError);
  expect((err as ValidationError).code).toBe("VALIDATION");
  if (field !== undefined) expect((err as ValidationError).field).toBe(field);
}

describe("invalid names give ValidationError before any I/O", () => {
  it("subjects to publish to", async () => {
    const publisher = createPublisher(conn);
    const before = written();
    await fc.assert(
      fc.asyncProperty(invalidPublishSubject, async (subject) => {
        expect(() => assertSubject(subject)).toThrow(ValidationError);
        await expectValidationError(() => publisher.publish(subject as string, "x"));
        await expectValidationError(() => publisher.publishAsync(subject as string, "x"));
      }),
      { numRuns: RUNS },
    );
    expect(written()).toBe(before);
  });

  it("filter subjects of streams, consumers and purges", async () => {
    const streams = createStreamManager(conn);
    const consumers = createConsumerManager(conn);
    const handle = await streams.get(stream);
    const before = written();
    await fc.assert(
      fc.asyncProperty(invalidFilterSubject, async (subject) => {
        expect(() => assertSubject(subject, "filter")).toThrow(ValidationError);
        await expectValidationError(() =>
          streams.create({ name: "OK", subjects: [subject as string] }),
        );
        // Where the filter is optional, undefined means "none" and is valid.
        if (subject === undefined) return;
        await expectValidationError(() =>
          consumers.createOrUpdate(stream, {
            durable_name: "ok",
            filter_subject: subject as string,
          }),
        );
        await expectValidationError(() => handle.purge({ filter: subject as string }));
      }),
      { numRuns: RUNS },
    );
    expect(written()).toBe(before);
  });

  it("stream and consumer names", async () => {
    const streams = createStreamManager(conn);
    const consumers = createConsumerManager(conn);
    const before = written();
    await fc.assert(
      fc.asyncProperty(invalidResourceName, async (name) => {
        expect(() => assertStreamName(name)).toThrow(ValidationError);
        expect(() => assertConsumerName(name)).toThrow(ValidationError);
        const n = name as string;
        await expectValidationError(() => streams.create({ name: n, subjects: ["x.y"] }), "stream");
        await expectValidationError(() => streams.get(n), "stream");
        await expectValidationError(() => streams.delete(n), "stream");
        await expectValidationError(() => consumers.get(stream, n), "consumer");
        await expectValidationError(() => consumers.get(n, "c"), "stream");
        await expectValidationError(() => consumers.delete(stream, n), "consumer");
        // An undefined durable name means an ephemeral consumer, which is valid.
        if (name !== undefined) {
          await expectValidationError(() => consumers.createOrUpdate(stream, { durable_name: n }));
        }
      }),
      { numRuns: RUNS },
    );
    expect(written()).toBe(before);
  });

  it("bucket names", async () => {
    const kvm = createKeyValueManager(conn);
    const before = written();
    await fc.assert(
      fc.asyncProperty(invalidBucket, async (bucket) => {
        expect(() => assertBucketName(bucket)).toThrow(ValidationError);
        await expectValidationError(() => kvm.create({ bucket: bucket as string }), "bucket");
        await expectValidationError(() => kvm.get(bucket as string), "bucket");
        await expectValidationError(() => kvm.delete(bucket as string), "bucket");
      }),
      { numRuns: RUNS },
    );
    expect(written()).toBe(before);
  });

  it("keys", async () => {
    const before = written();
    await fc.assert(
      fc.asyncProperty(invalidKey, async (key) => {
        expect(() => assertKey(key)).toThrow(ValidationError);
        const k = key as string;
        await expectValidationError(() => kv.put(k, "v"), "key");
        await expectValidationError(() => kv.get(k), "key");
        await expectValidationError(() => kv.create(k, "v"), "key");
        await expectValidationError(() => kv.update(k, "v", 1), "key");
        await expectValidationError(() => kv.delete(k), "key");
        // As a filter, wildcards would be allowed: everything else still is not.
        // (and `keys()` without a filter means every key).
        if (key !== undefined && (typeof key !== "string" || !/[*>]/.test(key))) {
          await expectValidationError(() => kv.keys(k), "key");
          await expectValidationError(() => kv.history(k), "key");
        }
      }),
      { numRuns: RUNS },
    );
    expect(written()).toBe(before);
  });
});

describe("valid names are accepted by the validators and by the server", () => {
  it("validators accept every generated valid name", () => {
    fc.assert(
      fc.property(
        validPublishSubject,
        validFilterSubject,
        validLongResourceName,
        validBucket,
        validKey,
        (subject, filter, name, bucket, key) => {
          assertSubject(subject);
          assertSubject(filter, "filter");
          assertStreamName(name);
          assertConsumerName(name);
          assertBucketName(bucket);
          assertKey(key);
          assertKey(key, "filter");
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it("subjects: published into a stream and acked", async () => {
    const publisher = createPublisher(conn);
    await fc.assert(
      fc.asyncProperty(validPublishSubject, async (subject) => {
        const ack = await publisher.publish(`${stream}.${subject}`, subject);
        expect(ack.stream).toBe(stream);
        const stored = await (await createStreamManager(conn).get(stream)).getMsg(ack.seq);
        expect(stored?.subject).toBe(`${stream}.${subject}`);
      }),
      { numRuns: SERVER_RUNS },
    );
  });

  it("stream names, consumer names and filter subjects: created on the server", async () => {
    const streams = createStreamManager(conn);
    const consumers = createConsumerManager(conn);
    await fc.assert(
      fc.asyncProperty(
        validResourceName,
        validResourceName,
        validFilterSubject,
        async (s, c, filter) => {
          const name = `${s}_${randomBytes(3).toString("hex")}`;
          const subject = `${name.replace(/[^A-Za-z0-9]/g, "")}x${randomBytes(3).toString("hex")}`;
          await streams.create({ name, subjects: [`${subject}.>`], storage: "memory" });
          try {
            const consumer = await consumers.createOrUpdate(name, {
              durable_name: c,
              filter_subject: `${subject}.${filter}`,
            });
            expect((await consumer.info()).name).toBe(c);
            expect((await consumers.get(name, c)).name).toBe(c);
          } finally {
            await streams.delete(name);
          }
        },
      ),
      { numRuns: SERVER_RUNS },
    );
  });

  it("bucket names and keys: created, written and read back", async () => {
    const kvm = createKeyValueManager(conn);
    await fc.assert(
      fc.asyncProperty(validBucket, validKey, async (b, key) => {
        const bucket = `${b}_${randomBytes(3).toString("hex")}`;
        const handle = await kvm.create({ bucket, storage: "memory" });
        try {
          const revision = await handle.put(key, "v");
          expect((await handle.get(key))?.revision).toBe(revision);
          expect(await handle.keys(key)).toEqual([key]);
        } finally {
          await kvm.delete(bucket);
        }
      }),
      { numRuns: SERVER_RUNS },
    );
  });
});
