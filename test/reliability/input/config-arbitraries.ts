import fc from "fast-check";

/** One invalid setting: where it goes in a config and the reason path it must produce. */
export interface Mutation {
  /** The top-level option it replaces. */
  root: string;
  /** The value for that option. */
  value: unknown;
  /** A path `ConfigError.reasons` must contain. */
  path: (string | number)[];
  /** Secret strings the value carries, which no message may show. */
  secrets?: string[];
}

const MISSING_FILE = "/nonexistent/helix-fuzz/file.pem";

/** Values that are not of the wanted type. */
const notString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.object(),
  fc.array(fc.integer()),
);
const notBoolean = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.object());
const notObject = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(fc.integer()));
const badDuration = fc.oneof(
  fc.integer({ max: -1 }),
  fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.string(),
  fc.constant(null),
);
const badPositiveDuration = fc.oneof(badDuration, fc.constant(0));
const blank = fc.constantFrom("", " ", "\t", "\n  ");
/** A secret-looking string that cannot occur by chance in a message. */
const secret = fc.string({ minLength: 1, maxLength: 12 }).map((s) => `S3CRET-${s}`);

const badAddress = fc.oneof(
  blank,
  fc.constantFrom("http://h:4222", "ws://h:4222", "nats://h:4222/path", "nats://h:4222?q=1"),
  fc.integer({ min: 65536, max: 10_000_000 }).map((p) => `nats://h:${p}`),
  fc.constantFrom("nats://a b:4222", "nats://:4222", "nats://[::1"),
);

/** Generators of one invalid setting each, covering every rule of the validator. */
export const mutations: fc.Arbitrary<Mutation>[] = [
  notObject
    .filter((v) => !Array.isArray(v))
    .map((value) => ({ root: "addresses", value, path: ["addresses"] })),
  fc.constant({ root: "addresses", value: [], path: ["addresses"] }),
  fc
    .tuple(fc.array(fc.constant("nats://127.0.0.1:1"), { maxLength: 2 }), badAddress)
    .map(([good, bad]) => ({
      root: "addresses",
      value: [...good, bad],
      path: ["addresses", good.length],
    })),
  fc
    .tuple(fc.array(fc.constant("nats://127.0.0.1:1"), { maxLength: 2 }), notString)
    .map(([good, bad]) => ({
      root: "addresses",
      value: [...good, bad],
      path: ["addresses", good.length],
    })),
  secret.map((pass) => ({
    root: "addresses",
    value: [`nats://a:${encodeURIComponent(pass)}@127.0.0.1:1`, "nats://b:other@127.0.0.1:2"],
    path: ["addresses"],
    secrets: [pass],
  })),
  fc.oneof(notString, blank).map((value) => ({ root: "name", value, path: ["name"] })),
  notObject.map((value) => ({ root: "tls", value, path: ["tls"] })),
  notBoolean.map((enabled) => ({ root: "tls", value: { enabled }, path: ["tls", "enabled"] })),
  fc.constantFrom("certFile", "keyFile").map((f) => ({
    root: "tls",
    value: { enabled: true, certFile: MISSING_FILE, keyFile: MISSING_FILE },
    path: ["tls", f],
  })),
  fc.constant({ root: "tls", value: { keyFile: MISSING_FILE }, path: ["tls", "certFile"] }),
  fc
    .oneof(
      // (an empty array is a valid list of CA files)
      notObject.filter((v) => !Array.isArray(v)),
      fc.array(fc.constant(MISSING_FILE), { minLength: 1, maxLength: 2 }),
    )
    .map((rootCAFiles) => ({
      root: "tls",
      value: { enabled: true, rootCAFiles },
      path: Array.isArray(rootCAFiles) ? ["tls", "rootCAFiles", 0] : ["tls", "rootCAFiles"],
    })),
  fc
    .oneof(notString, blank)
    .map((serverName) => ({ root: "tls", value: { serverName }, path: ["tls", "serverName"] })),
  notBoolean.map((v) => ({
    root: "tls",
    value: { insecureSkipVerify: v },
    path: ["tls", "insecureSkipVerify"],
  })),
  notObject.map((value) => ({ root: "auth", value, path: ["auth"] })),
  fc
    .oneof(notString, blank)
    .map((token) => ({ root: "auth", value: { token }, path: ["auth", "token"] })),
  secret.map((pass) => ({
    root: "auth",
    value: { pass },
    path: ["auth", "user"],
    secrets: [pass],
  })),
  secret.map((nkeySeed) => ({
    root: "auth",
    value: { nkeySeed },
    path: ["auth", "nkeySeed"],
    secrets: [nkeySeed],
  })),
  fc.tuple(secret, secret).map(([token, pass]) => ({
    root: "auth",
    value: { token, user: "u", pass },
    path: ["auth"],
    secrets: [token, pass],
  })),
  fc.constant({ root: "auth", value: { credsFile: MISSING_FILE }, path: ["auth", "credsFile"] }),
  notObject.map((value) => ({ root: "reconnect", value, path: ["reconnect"] })),
  fc
    .oneof(fc.integer({ max: -2 }), fc.double({ noInteger: true, noNaN: true }), fc.string())
    .map((maxAttempts) => ({
      root: "reconnect",
      value: { maxAttempts },
      path: ["reconnect", "maxAttempts"],
    })),
  fc.tuple(fc.constantFrom("waitMs", "jitterMs"), badDuration).map(([k, v]) => ({
    root: "reconnect",
    value: { [k]: v },
    path: ["reconnect", k],
  })),
  notObject.map((value) => ({ root: "jetstream", value, path: ["jetstream"] })),
  fc.constantFrom("a.b", "a*", "x>", "with space").map((domain) => ({
    root: "jetstream",
    value: { domain },
    path: ["jetstream", "domain"],
  })),
  fc.constant({ root: "jetstream", value: { domain: "d", apiPrefix: "p" }, path: ["jetstream"] }),
  badPositiveDuration.map((timeoutMs) => ({
    root: "jetstream",
    value: { timeoutMs },
    path: ["jetstream", "timeoutMs"],
  })),
  fc
    .constantFrom("timeoutMs", "pingIntervalMs")
    .chain((root) => badPositiveDuration.map((value) => ({ root, value, path: [root] }))),
  notObject
    .filter((v) => !Array.isArray(v))
    .map((value) => ({ root: "plugins", value, path: ["plugins"] })),
  fc
    .oneof(
      notObject,
      fc.constant({ name: "" }),
      fc.constant({ name: "p" }),
      fc.constant({ install: () => {} }),
    )
    .map((bad) => ({ root: "plugins", value: [bad], path: ["plugins", 0] })),
  fc
    .oneof(notString, fc.constant({}))
    .map((value) => ({ root: "onEvent", value, path: ["onEvent"] })),
  // An option nobody knows, at the top level or inside a section.
  fc
    .string({ minLength: 1, maxLength: 10 })
    .filter((k) => !KNOWN_TOP.has(k) && k !== "__proto__")
    .map((k) => ({ root: k, value: 1, path: [k] })),
  fc
    .tuple(
      fc.constantFrom("tls", "auth", "reconnect", "jetstream"),
      fc.string({ minLength: 1, maxLength: 10 }),
    )
    .filter(([section, k]) => !KNOWN_INNER.has(`${section}.${k}`) && k !== "__proto__")
    .map(([section, k]) => ({ root: section, value: { [k]: true }, path: [section, k] })),
];

const KNOWN_TOP = new Set([
  "addresses",
  "name",
  "tls",
  "auth",
  "reconnect",
  "jetstream",
  "timeoutMs",
  "pingIntervalMs",
  "plugins",
  "onEvent",
]);
const KNOWN_INNER = new Set(
  [
    "tls.enabled tls.certFile tls.keyFile tls.rootCAFiles tls.serverName tls.insecureSkipVerify",
    "auth.token auth.user auth.pass auth.nkeySeed auth.credsFile",
    "reconnect.enabled reconnect.maxAttempts reconnect.waitMs reconnect.jitterMs",
    "jetstream.domain jetstream.apiPrefix jetstream.timeoutMs",
  ]
    .join(" ")
    .split(" "),
);

/** One to four invalid settings on distinct top-level options. */
export const invalidSettings: fc.Arbitrary<Mutation[]> = fc.uniqueArray(fc.oneof(...mutations), {
  minLength: 1,
  maxLength: 4,
  selector: (m) => m.root,
});
