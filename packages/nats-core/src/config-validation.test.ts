import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Config } from "./config.js";
import { resolveConfig } from "./config-validation.js";
import { ConfigError, isHelixError } from "./errors.js";

const dir = mkdtempSync(join(tmpdir(), "helix-config-"));
const pem = join(dir, "cert.pem");
const key = join(dir, "key.pem");
writeFileSync(pem, "-----BEGIN CERTIFICATE-----\n");
writeFileSync(key, "-----BEGIN PRIVATE KEY-----\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function reasonsOf(config: unknown): { message: string; path: string }[] {
  try {
    resolveConfig(config);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).reasons.map((r) => ({
      message: r.message,
      path: r.path.join("."),
    }));
  }
  return [];
}

describe("resolveConfig: defaults", () => {
  it("fills every default for an empty config", () => {
    const c = resolveConfig({});
    expect(c.servers.map((s) => s.url)).toEqual(["nats://localhost:4222"]);
    expect(c.reconnect).toEqual({
      enabled: true,
      maxAttempts: -1,
      waitMs: 2000,
      jitterMs: undefined,
    });
    expect(c.jetstream.timeoutMs).toBe(5000);
    expect(c.auth).toEqual({ kind: "none" });
    expect(c.tls).toBeNull();
    expect(c.name).not.toBe("");
    expect(resolveConfig(undefined).servers).toHaveLength(1);
  });

  it("takes user and password from an address URL, decoded, and keeps them out of the URL", () => {
    const c = resolveConfig({
      addresses: ["nats://derek:p%40ss@127.0.0.1:4333", "127.0.0.1:4334"],
    });
    expect(c.servers.map((s) => s.url)).toEqual(["nats://127.0.0.1:4333", "nats://127.0.0.1:4334"]);
    expect(c.auth).toEqual({ kind: "userpass", user: "derek", pass: "p@ss" });
    expect(c.secrets).toContain("p@ss");
    expect(c.secrets).toContain("p%40ss");
  });

  it("turns TLS on for tls:// addresses and keeps a server-only TLS config without client cert", () => {
    expect(resolveConfig({ addresses: ["tls://127.0.0.1:4443"] }).tls).toMatchObject({
      rootCAFiles: [],
    });
    const c = resolveConfig({
      tls: { enabled: true, rootCAFiles: [pem], serverName: "nats.local" },
    });
    expect(c.tls).toEqual({
      certFile: undefined,
      keyFile: undefined,
      rootCAFiles: [pem],
      serverName: "nats.local",
      insecureSkipVerify: false,
    });
  });

  it("accepts each single auth method", () => {
    expect(resolveConfig({ auth: { token: "t0k" } }).auth).toEqual({ kind: "token", token: "t0k" });
    expect(resolveConfig({ auth: { user: "u", pass: "p" } }).auth).toEqual({
      kind: "userpass",
      user: "u",
      pass: "p",
    });
    const seed = `SU${"A".repeat(56)}`;
    expect(resolveConfig({ auth: { nkeySeed: seed } }).auth).toEqual({ kind: "nkey", seed });
    expect(resolveConfig({ auth: { credsFile: pem } }).auth).toEqual({ kind: "creds", file: pem });
  });
});

const rules: { rule: string; config: unknown; path: string; message: RegExp }[] = [
  { rule: "config not an object", config: "nats://x", path: "", message: /must be an object/ },
  {
    rule: "unknown top-level option",
    config: { adresses: [] },
    path: "adresses",
    message: /unknown option/,
  },
  {
    rule: "addresses not an array",
    config: { addresses: "nats://x" },
    path: "addresses",
    message: /array/,
  },
  {
    rule: "empty address list",
    config: { addresses: [] },
    path: "addresses",
    message: /at least one/,
  },
  {
    rule: "empty address entry",
    config: { addresses: [""] },
    path: "addresses.0",
    message: /empty/,
  },
  {
    rule: "non-string address",
    config: { addresses: [42] },
    path: "addresses.0",
    message: /string/,
  },
  {
    rule: "malformed URL",
    config: { addresses: ["nats://exa mple:4222"] },
    path: "addresses.0",
    message: /white space/,
  },
  {
    rule: "malformed URL port",
    config: { addresses: ["nats://host:notaport"] },
    path: "addresses.0",
    message: /not a valid URL/,
  },
  {
    rule: "port out of range",
    config: { addresses: ["nats://host:0"] },
    path: "addresses.0",
    message: /out of range/,
  },
  {
    rule: "unsupported scheme",
    config: { addresses: ["http://host:4222"] },
    path: "addresses.0",
    message: /not supported/,
  },
  {
    rule: "websocket scheme",
    config: { addresses: ["ws://host:4222"] },
    path: "addresses.0",
    message: /nats:\/\/ or tls:\/\//,
  },
  {
    rule: "path in address",
    config: { addresses: ["nats://host:4222/x"] },
    path: "addresses.0",
    message: /path/,
  },
  {
    rule: "different credentials per address",
    config: { addresses: ["nats://a:b@h1:4222", "nats://c:d@h2:4222"] },
    path: "addresses",
    message: /different credentials/,
  },
  { rule: "empty name", config: { name: " " }, path: "name", message: /not be empty/ },
  { rule: "name not a string", config: { name: 3 }, path: "name", message: /string/ },
  { rule: "tls not an object", config: { tls: true }, path: "tls", message: /object/ },
  {
    rule: "tls unknown option",
    config: { tls: { caFile: pem } },
    path: "tls.caFile",
    message: /unknown option/,
  },
  {
    rule: "tls enabled not boolean",
    config: { tls: { enabled: "yes" } },
    path: "tls.enabled",
    message: /true or false/,
  },
  {
    rule: "key without cert",
    config: { tls: { enabled: true, keyFile: key } },
    path: "tls.certFile",
    message: /certFile must be set/,
  },
  {
    rule: "cert without key",
    config: { tls: { enabled: true, certFile: pem } },
    path: "tls.keyFile",
    message: /keyFile must be set/,
  },
  {
    rule: "missing cert file",
    config: { tls: { enabled: true, certFile: join(dir, "nope.pem"), keyFile: key } },
    path: "tls.certFile",
    message: /does not exist or is not readable/,
  },
  {
    rule: "CA path is a directory",
    config: { tls: { enabled: true, rootCAFiles: [dir] } },
    path: "tls.rootCAFiles.0",
    message: /not a file/,
  },
  {
    rule: "missing CA file",
    config: { tls: { enabled: true, rootCAFiles: ["/no/ca.pem"] } },
    path: "tls.rootCAFiles.0",
    message: /not readable/,
  },
  {
    rule: "rootCAFiles not an array",
    config: { tls: { enabled: true, rootCAFiles: pem } },
    path: "tls.rootCAFiles",
    message: /array/,
  },
  {
    rule: "empty serverName",
    config: { tls: { enabled: true, serverName: "" } },
    path: "tls.serverName",
    message: /not be empty/,
  },
  { rule: "auth not an object", config: { auth: "token" }, path: "auth", message: /object/ },
  {
    rule: "empty token",
    config: { auth: { token: "" } },
    path: "auth.token",
    message: /not be empty/,
  },
  {
    rule: "pass without user",
    config: { auth: { pass: "p" } },
    path: "auth.user",
    message: /user must be set/,
  },
  {
    rule: "conflicting auth methods",
    config: { auth: { token: "t", user: "u", pass: "p" } },
    path: "auth",
    message: /conflicting auth methods: token, user\/pass/,
  },
  {
    rule: "URL credentials and an auth option",
    config: { addresses: ["nats://u:p@h:4222"], auth: { token: "t" } },
    path: "auth",
    message: /conflicting auth methods: credentials in an address, token/,
  },
  {
    rule: "malformed nkey seed",
    config: { auth: { nkeySeed: "SAnotaseed" } },
    path: "auth.nkeySeed",
    message: /NKEY user seed/,
  },
  {
    rule: "missing creds file",
    config: { auth: { credsFile: "/no/user.creds" } },
    path: "auth.credsFile",
    message: /not readable/,
  },
  {
    rule: "negative reconnect wait",
    config: { reconnect: { waitMs: -5 } },
    path: "reconnect.waitMs",
    message: /0 or more/,
  },
  {
    rule: "reconnect attempts below -1",
    config: { reconnect: { maxAttempts: -2 } },
    path: "reconnect.maxAttempts",
    message: /-1/,
  },
  {
    rule: "fractional reconnect attempts",
    config: { reconnect: { maxAttempts: 1.5 } },
    path: "reconnect.maxAttempts",
    message: /integer/,
  },
  {
    rule: "NaN jitter",
    config: { reconnect: { jitterMs: Number.NaN } },
    path: "reconnect.jitterMs",
    message: /finite/,
  },
  {
    rule: "negative connect timeout",
    config: { timeoutMs: -1 },
    path: "timeoutMs",
    message: /greater than 0/,
  },
  {
    rule: "zero connect timeout",
    config: { timeoutMs: 0 },
    path: "timeoutMs",
    message: /greater than 0/,
  },
  {
    rule: "negative JetStream timeout",
    config: { jetstream: { timeoutMs: -100 } },
    path: "jetstream.timeoutMs",
    message: /greater than 0/,
  },
  {
    rule: "infinite ping interval",
    config: { pingIntervalMs: Number.POSITIVE_INFINITY },
    path: "pingIntervalMs",
    message: /finite/,
  },
  {
    rule: "domain and apiPrefix together",
    config: { jetstream: { domain: "hub", apiPrefix: "$JS.hub.API" } },
    path: "jetstream",
    message: /exclusive/,
  },
  {
    rule: "domain with a dot",
    config: { jetstream: { domain: "a.b" } },
    path: "jetstream.domain",
    message: /dots/,
  },
  { rule: "plugins not an array", config: { plugins: {} }, path: "plugins", message: /array/ },
  {
    rule: "plugin not an object",
    config: { plugins: [null] },
    path: "plugins.0",
    message: /object/,
  },
  {
    rule: "plugin without name",
    config: { plugins: [{ install() {} }] },
    path: "plugins.0",
    message: /name/,
  },
  {
    rule: "plugin without install",
    config: { plugins: [{ name: "p" }] },
    path: "plugins.0",
    message: /install/,
  },
  {
    rule: "duplicate plugin",
    config: {
      plugins: [
        { name: "p", install() {} },
        { name: "p", install() {} },
      ],
    },
    path: "plugins.1",
    message: /twice/,
  },
  {
    rule: "onEvent not a function",
    config: { onEvent: "log" },
    path: "onEvent",
    message: /function/,
  },
];

describe("resolveConfig: every rule", () => {
  it.each(rules)("$rule", ({ config, path, message }) => {
    const reasons = reasonsOf(config);
    const match = reasons.find((r) => r.path === path && message.test(r.message));
    expect(match, JSON.stringify(reasons)).toBeDefined();
  });

  it("reports every problem at once, each with its path", () => {
    const bad = {
      addresses: ["http://x", ""],
      tls: { enabled: true, keyFile: key },
      reconnect: { waitMs: -1 },
      plugins: [{}],
    } as unknown as Config;
    const paths = reasonsOf(bad).map((r) => r.path);
    expect(paths).toEqual([
      "addresses.0",
      "addresses.1",
      "tls.certFile",
      "reconnect.waitMs",
      "plugins.0",
    ]);
  });

  it("formats the message like the Go original, with a path per reason", () => {
    try {
      resolveConfig({ tls: { enabled: true, keyFile: key } });
      expect.unreachable();
    } catch (err) {
      expect(isHelixError(err)).toBe(true);
      expect((err as ConfigError).code).toBe("CONFIG_INVALID");
      expect((err as Error).message).toBe(
        "Invalid configuration:\n  - certFile must be set when keyFile is set (at Config > tls > certFile)",
      );
    }
  });

  it("never puts a password or token into a reason", () => {
    const text = reasonsOf({
      addresses: ["nats://u:hunter2@h:4222/path", "nats://v:hunter3@h:4222"],
      auth: { token: "tok-secret" },
    })
      .map((r) => r.message)
      .join("\n");
    expect(text).not.toMatch(/hunter2|hunter3|tok-secret/);
    expect(text).toMatch(/path/);
  });
});
