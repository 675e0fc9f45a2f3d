import { type Operation, UnsupportedFeatureError, ValidationError } from "@helix/nats-core";
import { versionAtLeast } from "@helix/nats-core/internal";
import { recordOperations, uniqueName, until } from "@helix/nats-testing/vitest";
import { describe, expect, inject, it } from "vitest";
import {
  createPublisher,
  createStreamManager,
  type StoredMessage,
  type Stream,
} from "../src/index.js";
import { connectForFile, withStream } from "./helpers.js";

const version = inject("natsServerVersion");
const connection = connectForFile("stream-int-schedule");
const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data);

/** Every message stored on `subject`, read with getMsg by subject from sequence 1. */
async function messagesOn(stream: Stream, subject: string): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  let seq = 1;
  for (;;) {
    const msg = await stream.getMsg(seq, { subject });
    if (msg === null) return out;
    out.push(msg);
    seq = msg.seq + 1;
  }
}

/** A fresh stream with `allow_msg_schedules` (and `allow_msg_ttl`), deleted after `run`. */
async function withScheduleStream(
  run: (stream: Stream, name: string) => Promise<void>,
): Promise<void> {
  const conn = connection();
  const streams = createStreamManager(conn);
  const name = uniqueName("SCHED");
  const stream = await streams.create({
    name,
    subjects: [`${name}.>`],
    allow_msg_schedules: true,
    allow_msg_ttl: true,
  });
  try {
    await run(stream, name);
  } finally {
    await streams.delete(name);
  }
}

describe.runIf(versionAtLeast(version, "2.12.0"))("scheduled messages (server 2.12+)", () => {
  it("delayMs 1500: delivered to the target once, stored no earlier than `at`; the schedule is then removed", async () => {
    const conn = connection();
    await withScheduleStream(async (stream, name) => {
      expect(stream.config.allow_msg_schedules).toBe(true);
      const ops = recordOperations(conn, `record-${name}`) as Operation[];
      try {
        const publisher = createPublisher(conn);
        const subject = `${name}.schedules.reminder`;
        const target = `${name}.out`;
        const before = Date.now();
        const scheduled = await publisher.schedule(
          subject,
          { remind: "me" },
          { delayMs: 1500, target, headers: { "X-Kind": "reminder" }, ttlMs: 60_000 },
        );
        const at = scheduled.at as Date;
        expect(at.getTime()).toBeGreaterThanOrEqual(before + 1500);
        expect(scheduled).toMatchObject({
          subject,
          target,
          stream: name,
          seq: 1,
          schedule: `@at ${at.toISOString()}`,
        });
        const op = ops.find((o) => o.kind === "publish");
        expect(op).toMatchObject({
          kind: "publish",
          subject,
          schedule: `@at ${at.toISOString()}`,
          scheduleTarget: target,
        });
        // the schedule as stored
        const stored = await stream.getMsg(1);
        expect(stored?.headers?.get("Nats-Schedule")).toBe(`@at ${at.toISOString()}`);
        expect(stored?.headers?.get("Nats-Schedule-Target")).toBe(target);
        expect(stored?.headers?.get("Nats-Schedule-TTL")).toBe("60s");

        await until(async () => (await messagesOn(stream, target)).length > 0, 10_000);
        const [fired, ...more] = await messagesOn(stream, target);
        expect(more).toEqual([]);
        // not a timer race: the server's own timestamp of the delivered message is past `at`
        expect(fired?.time.getTime()).toBeGreaterThanOrEqual(at.getTime());
        expect(text(fired?.data)).toBe('{"remind":"me"}');
        expect(fired?.headers?.get("Nats-Scheduler")).toBe(subject);
        expect(fired?.headers?.get("X-Kind")).toBe("reminder");
        expect(fired?.headers?.get("Nats-TTL")).toBe("60s");
        // a one-shot schedule is purged once it fired
        await until(async () => (await stream.getLastMsgForSubject(subject)) === null, 5_000);
        expect(await scheduled.cancel()).toBe(false);
        expect(await stream.cancelSchedule(subject)).toBe(false);
      } finally {
        conn.middleware.remove(`record-${name}`);
      }
    });
  });

  it("a cancelled schedule never fires: a later one on the same target fires alone", async () => {
    const conn = connection();
    await withScheduleStream(async (stream, name) => {
      const publisher = createPublisher(conn);
      const target = `${name}.out`;
      const now = Date.now();
      const cancelled = await publisher.schedule(`${name}.s.first`, "first", {
        at: new Date(now + 1500),
        target,
      });
      const byHandle = await publisher.schedule(`${name}.s.second`, "second", {
        at: new Date(now + 1600),
        target,
      });
      // the fence: scheduled after the others, it fires last
      await publisher.schedule(`${name}.s.fence`, "fence", { at: new Date(now + 2200), target });
      expect(await cancelled.cancel()).toBe(true);
      expect(await stream.cancelSchedule(byHandle.subject)).toBe(true);
      expect(await cancelled.cancel()).toBe(false);
      expect(await stream.cancelSchedule(byHandle.subject)).toBe(false);
      await until(async () => (await messagesOn(stream, target)).length > 0, 10_000);
      expect((await messagesOn(stream, target)).map((m) => text(m.data))).toEqual(["fence"]);

      // cancelSchedule leaves a subject whose last message is not a schedule alone
      await publisher.publish(`${name}.plain`, "data");
      await expect(stream.cancelSchedule(`${name}.plain`)).rejects.toMatchObject({
        name: "ValidationError",
        field: "subject",
      });
      expect(text((await stream.getLastMsgForSubject(`${name}.plain`))?.data)).toBe("data");
    });
  });

  it.runIf(versionAtLeast(version, "2.14.0"))(
    "everyMs 1000 and a cron every second fire repeatedly until cancelled (server 2.14+)",
    async () => {
      const conn = connection();
      await withScheduleStream(async (stream, name) => {
        const publisher = createPublisher(conn);
        const every = await publisher.schedule(`${name}.s.every`, "tick", {
          everyMs: 1000,
          target: `${name}.every`,
        });
        const cron = await publisher.schedule(`${name}.s.cron`, "cron", {
          cron: "* * * * * *",
          timeZone: "Europe/Paris",
          target: `${name}.cron`,
        });
        expect(every.schedule).toBe("@every 1s");
        expect(every.at).toBeUndefined();
        expect(cron.schedule).toBe("* * * * * *");
        await until(
          async () =>
            (await messagesOn(stream, `${name}.every`)).length >= 2 &&
            (await messagesOn(stream, `${name}.cron`)).length >= 2,
          15_000,
        );
        const ticks = await messagesOn(stream, `${name}.every`);
        expect(
          ticks.slice(0, 2).map((m) => [text(m.data), m.headers?.get("Nats-Scheduler")]),
        ).toEqual([
          ["tick", `${name}.s.every`],
          ["tick", `${name}.s.every`],
        ]);
        // a repeating schedule stays until cancelled
        expect(await every.cancel()).toBe(true);
        expect(await stream.cancelSchedule(`${name}.s.cron`)).toBe(true);
      });
    },
  );

  it("checks a schedule before any I/O", async () => {
    const conn = connection();
    await withStream(conn, "SCHEDBAD", async (stream, name) => {
      const publisher = createPublisher(conn);
      const ops = recordOperations(conn, `record-${name}`) as Operation[];
      const s = `${name}.s`;
      const target = `${name}.out`;
      try {
        const cases: [Parameters<typeof publisher.schedule>[2], string, string][] = [
          [{ target } as never, "schedule", "give exactly one of at, delayMs, everyMs or cron"],
          [
            { target, delayMs: 10, cron: "@daily" },
            "schedule",
            "give exactly one of at, delayMs, everyMs or cron (got delayMs, cron)",
          ],
          [
            { target: s, delayMs: 10 },
            "target",
            "target must differ from the schedule's own subject (the server refuses it)",
          ],
          [{ target: `${name}.*`, delayMs: 10 }, "target", ""],
          [{ target, delayMs: -1 }, "delayMs", ""],
          [{ target, at: new Date(Number.NaN) }, "at", "at must be a valid Date"],
          [{ target, everyMs: 500 }, "everyMs", ""],
          [{ target, cron: "* * * * *" }, "cron", ""],
          [
            { target, delayMs: 10, timeZone: "Europe/Paris" },
            "timeZone",
            "timeZone applies to a cron schedule only",
          ],
          [{ target, cron: "@daily", timeZone: "Mars/Olympus" }, "timeZone", ""],
          [{ target, delayMs: 10, ttlMs: 1500 }, "ttlMs", ""],
        ];
        for (const [options, field, message] of cases) {
          const attempt = publisher.schedule(s, "x", options);
          await expect(attempt).rejects.toBeInstanceOf(ValidationError);
          await expect(attempt).rejects.toMatchObject(
            message === "" ? { field } : { field, message },
          );
        }
        expect(ops).toEqual([]);
        expect((await stream.info()).state.messages).toBe(0);
        // a stream without allow_msg_schedules: the server refuses the schedule
        await expect(publisher.schedule(s, "x", { delayMs: 10, target })).rejects.toMatchObject({
          name: "JetStreamApiError",
          apiCode: 10188,
        });
        expect((await stream.info()).state.messages).toBe(0);
      } finally {
        conn.middleware.remove(`record-${name}`);
      }
    });
  });
});

describe.runIf(!versionAtLeast(version, "2.12.0"))("scheduled messages (before 2.12)", () => {
  const message = `scheduled messages needs nats-server 2.12.0 or newer; the server is ${version}`;

  it("refuses allow_msg_schedules, schedule and cancelSchedule before any I/O", async () => {
    const conn = connection();
    const streams = createStreamManager(conn);
    await withStream(conn, "SCHEDOLD", async (stream, name) => {
      const publisher = createPublisher(conn);
      const ops = recordOperations(conn, `record-${name}`) as Operation[];
      try {
        const create = streams.create({ name: `${name}_B`, allow_msg_schedules: true });
        await expect(create).rejects.toBeInstanceOf(UnsupportedFeatureError);
        await expect(create).rejects.toMatchObject({
          message,
          feature: "scheduled messages",
          requires: "2.12.0",
          serverVersion: version,
        });
        await expect(
          publisher.schedule(`${name}.s`, "x", { delayMs: 1000, target: `${name}.out` }),
        ).rejects.toMatchObject({ name: "UnsupportedFeatureError", message });
        await expect(
          publisher.schedule(`${name}.s`, "x", { cron: "@hourly", target: `${name}.out` }),
        ).rejects.toMatchObject({
          name: "UnsupportedFeatureError",
          feature: "repeating scheduled messages (cron, @every)",
          requires: "2.14.0",
        });
        await expect(stream.cancelSchedule(`${name}.s`)).rejects.toMatchObject({
          name: "UnsupportedFeatureError",
          message,
        });
        expect(ops).toEqual([]);
        expect((await stream.info()).state.messages).toBe(0);
      } finally {
        conn.middleware.remove(`record-${name}`);
      }
    });
  });
});
