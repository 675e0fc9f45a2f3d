import { accessSync, constants, statSync } from "node:fs";
import { isAddressProblem, type ParsedAddress, parseAddress } from "./address.js";
import { type Config, defaults } from "./config.js";
import { ConfigError, type ConfigReason } from "./errors.js";
import type { ConnectionEvent } from "./events.js";
import type { Plugin } from "./middleware.js";
import { pluginProblem } from "./plugins.js";
import { detectServiceName } from "./service-name.js";

/** How the client authenticates, after URL credentials and `auth` were reconciled. */
export type ResolvedAuth =
  | {
      /** No authentication. */
      kind: "none";
    }
  | {
      /** A token. */
      kind: "token";
      /** The token. */
      token: string;
    }
  | {
      /** User and password, from `auth` or from an address URL. */
      kind: "userpass";
      /** The user name. */
      user: string;
      /** The password, if any. */
      pass: string | undefined;
    }
  | {
      /** An NKEY user seed. */
      kind: "nkey";
      /** The seed (`SU…`). */
      seed: string;
    }
  | {
      /** A `.creds` file. */
      kind: "creds";
      /** Its path. */
      file: string;
    };

/** TLS settings once validated; `null` when TLS is off. */
export interface ResolvedTls {
  /** Client certificate file (PEM), for mutual TLS. */
  certFile: string | undefined;
  /** Private key file (PEM) of the client certificate. */
  keyFile: string | undefined;
  /** CA files (PEM) trusted for the server's certificate; empty for the system's. */
  rootCAFiles: string[];
  /** The name the server's certificate must carry, when it differs from the host. */
  serverName: string | undefined;
  /** True when the server's certificate is not verified. */
  insecureSkipVerify: boolean;
}

/** A validated configuration with every default filled in. */
export interface ResolvedConfig {
  /** The addresses, parsed; credentials moved to `auth`. */
  servers: ParsedAddress[];
  /** The connection name (configured or detected). */
  name: string;
  /** TLS settings, or `null` when TLS is off. */
  tls: ResolvedTls | null;
  /** The one authentication method. */
  auth: ResolvedAuth;
  /** The reconnect policy. */
  reconnect: {
    /** Whether the client reconnects. */
    enabled: boolean;
    /** Attempts per server; `-1` for no limit. */
    maxAttempts: number;
    /** Wait between attempts to the same server, in ms. */
    waitMs: number;
    /** Random extra wait in ms; `undefined` leaves the client's default. */
    jitterMs: number | undefined;
  };
  /** JetStream client options. */
  jetstream: {
    /** The JetStream domain, if any. */
    domain: string | undefined;
    /** The JetStream API prefix, if any. */
    apiPrefix: string | undefined;
    /** Timeout of JetStream API requests and publish acks, in ms. */
    timeoutMs: number;
  };
  /** Timeout of the first connection, in ms (all attempts, with `waitOnFirstConnect`). */
  timeoutMs: number;
  /** Whether `connect` retries a server that is not there yet until `timeoutMs`. */
  waitOnFirstConnect: boolean;
  /** Interval of client pings, in ms. */
  pingIntervalMs: number;
  /** Plugins to install, in order. */
  plugins: Plugin[];
  /** The event callback, if any. */
  onEvent: ((event: ConnectionEvent) => void) | undefined;
  /** Every secret of the configuration, so that messages can be scrubbed of them. */
  secrets: string[];
}

type Path = (string | number)[];

const KNOWN_KEYS: Record<string, readonly string[]> = {
  "": [
    "addresses",
    "name",
    "tls",
    "auth",
    "reconnect",
    "jetstream",
    "timeoutMs",
    "waitOnFirstConnect",
    "pingIntervalMs",
    "plugins",
    "onEvent",
  ],
  tls: ["enabled", "certFile", "keyFile", "rootCAFiles", "serverName", "insecureSkipVerify"],
  auth: ["token", "user", "pass", "nkeySeed", "credsFile"],
  reconnect: ["enabled", "maxAttempts", "waitMs", "jitterMs"],
  jetstream: ["domain", "apiPrefix", "timeoutMs"],
};

/**
 * Validates a configuration without any network I/O (files named by it are checked for
 * readability) and fills in defaults. Throws one `ConfigError` listing every problem.
 */
export function resolveConfig(input: unknown): ResolvedConfig {
  const reasons: ConfigReason[] = [];
  const fail = (path: Path, message: string) => reasons.push({ path, message });

  if (input === undefined || input === null) input = {};
  if (!isRecord(input)) {
    throw new ConfigError([{ path: [], message: "config must be an object" }]);
  }
  const config = input as Config & Record<string, unknown>;
  checkKnownKeys(config, [], fail);

  const servers = resolveAddresses(config.addresses, fail);
  const name =
    optionalString(config.name, ["name"], fail, { nonEmpty: true }) ?? detectServiceName();
  const tls = resolveTls(config.tls, servers, fail);
  const auth = resolveAuth(config.auth, servers, fail);
  const reconnect = resolveReconnect(config.reconnect, fail);
  const jetstream = resolveJetStream(config.jetstream, fail);
  const timeoutMs = duration(config.timeoutMs, ["timeoutMs"], fail, { positive: true });
  const pingIntervalMs = duration(config.pingIntervalMs, ["pingIntervalMs"], fail, {
    positive: true,
  });
  const plugins = resolvePlugins(config.plugins, fail);
  if (config.waitOnFirstConnect !== undefined && typeof config.waitOnFirstConnect !== "boolean") {
    fail(["waitOnFirstConnect"], "waitOnFirstConnect must be a boolean");
  }
  if (config.onEvent !== undefined && typeof config.onEvent !== "function") {
    fail(["onEvent"], "onEvent must be a function");
  }

  if (reasons.length > 0) throw new ConfigError(reasons);
  return {
    servers,
    name,
    tls,
    auth,
    reconnect,
    jetstream,
    timeoutMs: timeoutMs ?? defaults.timeoutMs,
    waitOnFirstConnect: config.waitOnFirstConnect ?? false,
    pingIntervalMs: pingIntervalMs ?? defaults.pingIntervalMs,
    plugins,
    onEvent: config.onEvent,
    secrets: secretsOf(auth),
  };
}

type Fail = (path: Path, message: string) => void;

function resolveAddresses(value: unknown, fail: Fail): ParsedAddress[] {
  if (value === undefined) return defaults.addresses.map((a) => parseAddress(a) as ParsedAddress);
  if (!Array.isArray(value)) {
    fail(["addresses"], "addresses must be an array of URLs");
    return [];
  }
  if (value.length === 0) fail(["addresses"], "addresses must list at least one server");
  const servers: ParsedAddress[] = [];
  value.forEach((raw, i) => {
    if (typeof raw !== "string") {
      fail(["addresses", i], "address must be a string");
      return;
    }
    const parsed = parseAddress(raw);
    if (isAddressProblem(parsed)) fail(["addresses", i], parsed.problem);
    else servers.push(parsed);
  });
  const withCredentials = servers.filter((s) => s.user !== undefined || s.pass !== undefined);
  const distinct = new Set(withCredentials.map((s) => `${s.user ?? ""}\u0000${s.pass ?? ""}`));
  if (distinct.size > 1) {
    fail(["addresses"], "addresses carry different credentials: the client uses one identity");
  }
  if (withCredentials.some((s) => s.user === undefined)) {
    fail(["addresses"], "an address has a password without a user name");
  }
  return servers;
}

function resolveTls(value: unknown, servers: ParsedAddress[], fail: Fail): ResolvedTls | null {
  const tlsScheme = servers.some((s) => s.scheme === "tls");
  if (value === undefined) {
    return tlsScheme
      ? {
          certFile: undefined,
          keyFile: undefined,
          rootCAFiles: [],
          serverName: undefined,
          insecureSkipVerify: false,
        }
      : null;
  }
  if (!isRecord(value)) {
    fail(["tls"], "tls must be an object");
    return null;
  }
  checkKnownKeys(value, ["tls"], fail);
  const enabled = optionalBoolean(value.enabled, ["tls", "enabled"], fail) ?? false;
  const certFile = readableFile(value.certFile, ["tls", "certFile"], fail);
  const keyFile = readableFile(value.keyFile, ["tls", "keyFile"], fail);
  if (value.keyFile !== undefined && value.certFile === undefined) {
    fail(["tls", "certFile"], "certFile must be set when keyFile is set");
  }
  if (value.certFile !== undefined && value.keyFile === undefined) {
    fail(["tls", "keyFile"], "keyFile must be set when certFile is set");
  }
  const rootCAFiles: string[] = [];
  if (value.rootCAFiles !== undefined) {
    if (!Array.isArray(value.rootCAFiles)) {
      fail(["tls", "rootCAFiles"], "rootCAFiles must be an array of file paths");
    } else {
      value.rootCAFiles.forEach((f, i) => {
        const file = readableFile(f, ["tls", "rootCAFiles", i], fail);
        if (file !== undefined) rootCAFiles.push(file);
      });
    }
  }
  const serverName = optionalString(value.serverName, ["tls", "serverName"], fail, {
    nonEmpty: true,
  });
  const insecureSkipVerify =
    optionalBoolean(value.insecureSkipVerify, ["tls", "insecureSkipVerify"], fail) ?? false;
  if (!enabled && !tlsScheme) return null;
  return { certFile, keyFile, rootCAFiles, serverName, insecureSkipVerify };
}

function resolveAuth(value: unknown, servers: ParsedAddress[], fail: Fail): ResolvedAuth {
  const fromUrl = servers.find((s) => s.user !== undefined);
  const methods: { name: string; auth: ResolvedAuth }[] = [];
  if (fromUrl?.user !== undefined) {
    methods.push({
      name: "credentials in an address",
      auth: { kind: "userpass", user: fromUrl.user, pass: fromUrl.pass },
    });
  }
  if (value !== undefined) {
    if (!isRecord(value)) {
      fail(["auth"], "auth must be an object");
    } else {
      checkKnownKeys(value, ["auth"], fail);
      const token = optionalString(value.token, ["auth", "token"], fail, {
        nonEmpty: true,
        secret: true,
      });
      const user = optionalString(value.user, ["auth", "user"], fail, { nonEmpty: true });
      const pass = optionalString(value.pass, ["auth", "pass"], fail, { secret: true });
      const seed = optionalString(value.nkeySeed, ["auth", "nkeySeed"], fail, {
        nonEmpty: true,
        secret: true,
      });
      const credsFile = readableFile(value.credsFile, ["auth", "credsFile"], fail);
      if (token !== undefined) methods.push({ name: "token", auth: { kind: "token", token } });
      if (pass !== undefined && user === undefined)
        fail(["auth", "user"], "user must be set when pass is set");
      if (user !== undefined)
        methods.push({ name: "user/pass", auth: { kind: "userpass", user, pass } });
      if (seed !== undefined) {
        if (!/^SU[A-Z2-7]{56}$/.test(seed)) {
          fail(
            ["auth", "nkeySeed"],
            "nkeySeed must be an NKEY user seed (58 characters starting with SU)",
          );
        }
        methods.push({ name: "nkeySeed", auth: { kind: "nkey", seed } });
      }
      if (credsFile !== undefined)
        methods.push({ name: "credsFile", auth: { kind: "creds", file: credsFile } });
    }
  }
  if (methods.length > 1) {
    fail(["auth"], `conflicting auth methods: ${methods.map((m) => m.name).join(", ")}; use one`);
  }
  return methods[0]?.auth ?? { kind: "none" };
}

function resolveReconnect(value: unknown, fail: Fail): ResolvedConfig["reconnect"] {
  const d = defaults.reconnect;
  if (value === undefined) return { ...d, jitterMs: undefined };
  if (!isRecord(value)) {
    fail(["reconnect"], "reconnect must be an object");
    return { ...d, jitterMs: undefined };
  }
  checkKnownKeys(value, ["reconnect"], fail);
  const enabled = optionalBoolean(value.enabled, ["reconnect", "enabled"], fail) ?? d.enabled;
  let maxAttempts: number = d.maxAttempts;
  if (value.maxAttempts !== undefined) {
    if (!Number.isInteger(value.maxAttempts) || (value.maxAttempts as number) < -1) {
      fail(
        ["reconnect", "maxAttempts"],
        "maxAttempts must be an integer >= 0, or -1 for unbounded",
      );
    } else maxAttempts = value.maxAttempts as number;
  }
  const waitMs = duration(value.waitMs, ["reconnect", "waitMs"], fail) ?? d.waitMs;
  const jitterMs = duration(value.jitterMs, ["reconnect", "jitterMs"], fail);
  return { enabled, maxAttempts, waitMs, jitterMs };
}

function resolveJetStream(value: unknown, fail: Fail): ResolvedConfig["jetstream"] {
  const timeoutDefault = defaults.jetstream.timeoutMs;
  if (value === undefined)
    return { domain: undefined, apiPrefix: undefined, timeoutMs: timeoutDefault };
  if (!isRecord(value)) {
    fail(["jetstream"], "jetstream must be an object");
    return { domain: undefined, apiPrefix: undefined, timeoutMs: timeoutDefault };
  }
  checkKnownKeys(value, ["jetstream"], fail);
  const domain = optionalString(value.domain, ["jetstream", "domain"], fail, { nonEmpty: true });
  const apiPrefix = optionalString(value.apiPrefix, ["jetstream", "apiPrefix"], fail, {
    nonEmpty: true,
  });
  if (domain !== undefined && /[\s.*>]/.test(domain)) {
    fail(["jetstream", "domain"], "domain must not contain dots, wildcards or white space");
  }
  if (apiPrefix !== undefined && /[\s*>]/.test(apiPrefix)) {
    fail(["jetstream", "apiPrefix"], "apiPrefix must not contain wildcards or white space");
  }
  if (domain !== undefined && apiPrefix !== undefined) {
    fail(["jetstream"], "domain and apiPrefix are exclusive: set one");
  }
  const timeoutMs =
    duration(value.timeoutMs, ["jetstream", "timeoutMs"], fail, { positive: true }) ??
    timeoutDefault;
  return { domain, apiPrefix, timeoutMs };
}

function resolvePlugins(value: unknown, fail: Fail): Plugin[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    fail(["plugins"], "plugins must be an array");
    return [];
  }
  const seen = new Set<string>();
  const plugins: Plugin[] = [];
  value.forEach((plugin, i) => {
    const problem = pluginProblem(plugin);
    if (problem) {
      fail(["plugins", i], problem);
    } else if (seen.has((plugin as Plugin).name)) {
      fail(["plugins", i], `plugin "${(plugin as Plugin).name}" is listed twice`);
    } else {
      seen.add((plugin as Plugin).name);
      plugins.push(plugin as Plugin);
    }
  });
  return plugins;
}

function checkKnownKeys(value: Record<string, unknown>, path: Path, fail: Fail): void {
  const known = KNOWN_KEYS[path.join(".")] ?? [];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail([...path, key], `unknown option "${key}"`);
  }
}

function optionalString(
  value: unknown,
  path: Path,
  fail: Fail,
  opts: { nonEmpty?: boolean; secret?: boolean } = {},
): string | undefined {
  if (value === undefined) return undefined;
  const field = String(path[path.length - 1]);
  if (typeof value !== "string") {
    fail(path, `${field} must be a string`);
    return undefined;
  }
  if (opts.nonEmpty && value.trim() === "") {
    fail(path, `${field} must be set and not be empty`);
    return undefined;
  }
  return value;
}

function optionalBoolean(value: unknown, path: Path, fail: Fail): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") {
    fail(path, `${String(path[path.length - 1])} must be true or false`);
    return undefined;
  }
  return value;
}

function duration(
  value: unknown,
  path: Path,
  fail: Fail,
  opts: { positive?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const field = String(path[path.length - 1]);
  if (typeof value !== "number" || !Number.isFinite(value)) {
    fail(path, `${field} must be a finite number of milliseconds`);
    return undefined;
  }
  if (value < 0 || (opts.positive && value === 0)) {
    fail(path, `${field} must be ${opts.positive ? "greater than 0" : "0 or more"}, got ${value}`);
    return undefined;
  }
  return value;
}

function readableFile(value: unknown, path: Path, fail: Fail): string | undefined {
  const file = optionalString(value, path, fail, { nonEmpty: true });
  if (file === undefined) return undefined;
  const field = String(path[path.length - 1]);
  try {
    if (!statSync(file).isFile()) {
      fail(path, `${field} "${file}" is not a file`);
      return undefined;
    }
    accessSync(file, constants.R_OK);
  } catch {
    fail(path, `${field} "${file}" does not exist or is not readable`);
    return undefined;
  }
  return file;
}

function secretsOf(auth: ResolvedAuth): string[] {
  switch (auth.kind) {
    case "token":
      return [auth.token];
    case "userpass":
      return auth.pass ? [auth.pass, encodeURIComponent(auth.pass)] : [];
    case "nkey":
      return [auth.seed];
    default:
      return [];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
