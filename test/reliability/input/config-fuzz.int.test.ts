import { inspect } from "node:util";
import { type Config, ConfigError, connect, formatPath } from "@helix/nats-core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { invalidSettings, type Mutation } from "./config-arbitraries.js";

/**
 * Generated invalid configurations given to `connect`: each must fail with one `ConfigError`
 * that lists a reason with the path of every invalid setting, no reason for a valid one, and no
 * secret, before any network I/O (the valid part points at a port nothing listens on, so a dial
 * would surface as a ConnectionError instead).
 */
const VALID_BASE = {
  addresses: ["nats://127.0.0.1:1"],
  name: "config-fuzz",
  timeoutMs: 200,
  reconnect: { maxAttempts: 0 },
};

function build(mutations: readonly Mutation[]): Record<string, unknown> {
  const config: Record<string, unknown> = { ...VALID_BASE };
  for (const m of mutations) config[m.root] = m.value;
  return config;
}

async function configErrorOf(config: unknown): Promise<ConfigError> {
  const err = await connect(config as Config).then(
    async (conn) => {
      await conn.close();
      return new Error("connect accepted an invalid configuration");
    },
    (e: unknown) => e,
  );
  if (!(err instanceof ConfigError)) {
    throw new Error(`expected ConfigError, got ${inspect(err)}`);
  }
  return err;
}

const samePath = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((p, i) => p === b[i]);

describe("config fuzz", () => {
  it("invalid settings always give a ConfigError with the path of each, and nothing else", async () => {
    let reasons = 0;
    await fc.assert(
      fc.asyncProperty(invalidSettings, async (mutations) => {
        const err = await configErrorOf(build(mutations));
        expect(err.code).toBe("CONFIG_INVALID");
        expect(err.name).toBe("ConfigError");
        expect(err.reasons.length).toBeGreaterThan(0);
        reasons += err.reasons.length;
        for (const reason of err.reasons) {
          expect(reason.message).toMatch(/\S/);
          expect(reason.path.every((p) => typeof p === "string" || typeof p === "number")).toBe(
            true,
          );
          // No reason about a setting that was valid.
          expect(mutations.map((m) => m.root)).toContain(reason.path[0]);
          expect(err.message).toContain(`${reason.message} (at ${formatPath(reason.path)})`);
        }
        for (const m of mutations) {
          expect(
            err.reasons.some((r) => samePath(r.path, m.path)),
            `${JSON.stringify(m.path)} in ${JSON.stringify(err.reasons)}`,
          ).toBe(true);
        }
        const shown = `${String(err)}\n${err.stack}\n${inspect(err, { depth: 8 })}\n${JSON.stringify(err.reasons)}`;
        for (const secret of mutations.flatMap((m) => m.secrets ?? [])) {
          expect(shown).not.toContain(secret);
          expect(shown).not.toContain(encodeURIComponent(secret));
        }
      }),
      { numRuns: 400 },
    );
    console.log(`config fuzz: 400 invalid configurations, ${reasons} reasons checked`);
  });

  it("arbitrary values in every section never escape as another exception", async () => {
    const anySection = fc.record(
      {
        addresses: fc.anything(),
        name: fc.anything(),
        tls: fc.anything(),
        auth: fc.anything(),
        reconnect: fc.anything(),
        jetstream: fc.anything(),
        timeoutMs: fc.anything(),
        pingIntervalMs: fc.anything(),
        plugins: fc.anything(),
        onEvent: fc.anything(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(anySection, async (sections) => {
        // The unknown option guarantees the config is invalid, so connect never dials.
        const err = await configErrorOf({ ...sections, fuzzUnknownOption: true });
        expect(err.reasons.some((r) => samePath(r.path, ["fuzzUnknownOption"]))).toBe(true);
        for (const reason of err.reasons) expect(Array.isArray(reason.path)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("a config that is not an object is a ConfigError at the root", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(fc.anything()), fc.bigInt()),
        async (value) => {
          const err = await configErrorOf(value);
          expect(err.reasons).toEqual([{ path: [], message: "config must be an object" }]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
