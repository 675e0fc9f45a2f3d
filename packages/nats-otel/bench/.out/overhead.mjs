// ../nats-core/src/address.ts
var SCHEMES = /* @__PURE__ */ new Set(["nats", "tls"]);
var DEFAULT_PORT = 4222;
function parseAddress(input) {
  const trimmed = input.trim();
  if (trimmed === "") return { problem: "address must not be empty" };
  if (/\s/.test(trimmed)) return { problem: "address must not contain white space" };
  const hasScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(trimmed);
  let url;
  try {
    url = new URL(hasScheme ? trimmed : `nats://${trimmed}`);
  } catch {
    return { problem: `address "${redactAddress(trimmed)}" is not a valid URL` };
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (!SCHEMES.has(scheme)) {
    return {
      problem: `address scheme "${scheme}://" is not supported: use nats:// or tls://`,
    };
  }
  if (url.hostname === "") return { problem: "address has no host" };
  if ((url.pathname !== "" && url.pathname !== "/") || url.search !== "" || url.hash !== "") {
    return {
      problem: `address "${redactAddress(trimmed)}" must not have a path, query or fragment`,
    };
  }
  const port = url.port === "" ? DEFAULT_PORT : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return { problem: `address port ${url.port} is out of range (1-65535)` };
  }
  const host = url.hostname.toLowerCase();
  const parsed = {
    url: `${scheme}://${host}:${port}`,
    scheme,
    host: host.startsWith("[") ? host.slice(1, -1) : host,
    port,
  };
  if (url.username !== "") parsed.user = safeDecode(url.username);
  if (url.password !== "") parsed.pass = safeDecode(url.password);
  return parsed;
}
function isAddressProblem(value) {
  return "problem" in value;
}
function redactAddress(address) {
  return address.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)?[^/@\s]*@/, "$1");
}
function splitHostPort(hostPort) {
  const withoutScheme = redactAddress(hostPort).replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, "");
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(withoutScheme);
  if (!match) return withoutScheme === "" ? null : { address: withoutScheme, port: DEFAULT_PORT };
  return { address: match[1] ?? "", port: Number(match[2]) };
}
function safeDecode(value) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

// ../nats-core/src/errors.ts
var BRAND = /* @__PURE__ */ Symbol.for("@helix/nats.error");
var HelixError = class _HelixError extends Error {
  /** Stable code, suitable for `error.type` attributes and `switch` statements. */
  code;
  /** Whether trying the same operation again may succeed (see `isRetryable`). */
  retryable;
  constructor(message2, code = "NATS", options = {}) {
    super(message2, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    Object.defineProperty(this, BRAND, { value: true });
  }
  /**
   * `instanceof` also recognises an error made by another copy of this module (an ESM and a CJS
   * build loaded side by side): a branded helix-nats error is an instance of `HelixError`, and of
   * a subclass when its `name` is that class's name.
   */
  static [Symbol.hasInstance](value) {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (!isHelixError(value)) return false;
    return this === _HelixError || value.name === this.name;
  }
};
var ConfigError = class extends HelixError {
  reasons;
  constructor(reasons, options = {}) {
    const subject = options.subject ?? "configuration";
    const lines = reasons.map((r) => `  - ${r.message} (at ${formatPath(r.path)})`);
    super(
      `Invalid ${subject}:
${lines.join("\n")}`,
      "CONFIG_INVALID",
      { cause: options.cause },
    );
    this.reasons = reasons;
  }
};
function formatPath(path) {
  return ["Config", ...path.map((p) => (typeof p === "number" ? `[${p}]` : p))].join(" > ");
}
var ConnectionError = class extends HelixError {
  constructor(message2, options = {}) {
    super(message2, options.code ?? "CONNECTION_FAILED", options);
  }
};
var PermissionError = class extends HelixError {
  constructor(message2, options = {}) {
    super(message2, "PERMISSION_DENIED", options);
  }
};
var TimeoutError = class extends HelixError {
  constructor(message2 = "The operation timed out", options = {}) {
    super(message2, "TIMEOUT", { retryable: true, ...options });
  }
};
var CancelledError = class extends HelixError {
  constructor(message2 = "The operation was cancelled", options = {}) {
    super(message2, "CANCELLED", options);
  }
};
var NotFoundError = class extends HelixError {
  what;
  resource;
  constructor(what, resource, options = {}) {
    super(
      resource === void 0 ? `The ${what} was not found` : `The ${what} "${resource}" was not found`,
      "NOT_FOUND",
      options,
    );
    this.what = what;
    this.resource = resource;
  }
};
var WrongRevisionError = class extends HelixError {
  /** The JetStream API error code (10071, or 10164 on newer servers). */
  apiCode;
  constructor(message2, options = {}) {
    super(message2, "WRONG_REVISION", options);
    this.apiCode = options.apiCode ?? 10071;
  }
};
var ValidationError = class extends HelixError {
  /** Which argument was invalid, e.g. `"subject"` or `"bucket"`. */
  field;
  /** The rejected value, when it is safe to show. */
  value;
  constructor(field, message2, options = {}) {
    super(message2, "VALIDATION", options);
    this.field = field;
    this.value = options.value;
  }
};
var JetStreamUnavailableError = class extends HelixError {
  constructor(message2, options = {}) {
    super(message2, "JETSTREAM_UNAVAILABLE", { retryable: true, ...options });
  }
};
var JetStreamApiError = class extends HelixError {
  apiCode;
  status;
  constructor(message2, apiCode, options = {}) {
    super(message2, "JETSTREAM_API", options);
    this.apiCode = apiCode;
    this.status = options.status;
  }
};
var MiddlewareError = class extends HelixError {
  constructor(message2, options = {}) {
    super(message2, "MIDDLEWARE", options);
  }
};
function isHelixError(err) {
  return typeof err === "object" && err !== null && err[BRAND] === true;
}
function isRetryable(err) {
  return isHelixError(err) && err.retryable;
}

// ../nats-core/src/cancellation.ts
function throwIfAborted(signal, operation) {
  if (signal?.aborted) throw cancelled(operation, signal);
}
function abortable(promise, signal, operation) {
  if (signal === void 0) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(cancelled(operation, signal));
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(cancelled(operation, signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
function sleep(ms, signal, operation) {
  if (signal === void 0) return new Promise((resolve) => setTimeout(resolve, ms));
  if (signal.aborted) return Promise.reject(cancelled(operation, signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled(operation, signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
function cancelled(operation, signal) {
  return new CancelledError(`${operation}: cancelled`, { cause: signal.reason });
}

// ../nats-core/src/config.ts
var defaults = {
  addresses: ["nats://localhost:4222"],
  timeoutMs: 2e4,
  pingIntervalMs: 12e4,
  reconnect: { enabled: true, maxAttempts: -1, waitMs: 2e3 },
  jetstream: { timeoutMs: 5e3 },
};

// ../nats-core/src/config-validation.ts
import { accessSync, constants, statSync } from "node:fs";

// ../nats-core/src/plugins.ts
function pluginProblem(plugin) {
  if (typeof plugin !== "object" || plugin === null) {
    return "plugin must be an object with a name and an install function";
  }
  const { name, install } = plugin;
  if (typeof name !== "string" || name.trim() === "") return "plugin must have a non-empty name";
  if (typeof install !== "function") return `plugin "${name}" has no install function`;
  return void 0;
}
function installPlugins(stack, plugins) {
  for (const plugin of plugins) {
    const before = new Set(stack.names);
    try {
      plugin.install(stack);
    } catch (err) {
      for (const name of stack.names) if (!before.has(name)) stack.remove(name);
      throw new ConfigError(
        [
          {
            message: `plugin "${plugin.name}" failed to install: ${err?.message ?? String(err)}`,
            path: ["plugins"],
          },
        ],
        { subject: "plugin", cause: err },
      );
    }
  }
}

// ../nats-core/src/service-name.ts
import { basename, extname } from "node:path";

function detectServiceName(env = process.env, argv = process.argv) {
  if (env.KUBERNETES_SERVICE_HOST && env.HOSTNAME) return env.HOSTNAME;
  if (env.NOMAD_JOB_NAME) return env.NOMAD_JOB_NAME;
  if (env.RENDER_SERVICE_ID) return env.RENDER_SERVICE_ID;
  const script = argv[1];
  if (script) {
    const name = basename(script, extname(script));
    if (name !== "" && name !== "index") return name;
    const parent = basename(script.slice(0, -basename(script).length - 1));
    if (parent !== "") return parent;
  }
  return basename(argv[0] ?? "node", extname(argv[0] ?? "")) || "node";
}

// ../nats-core/src/config-validation.ts
var KNOWN_KEYS = {
  "": [
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
  ],
  tls: ["enabled", "certFile", "keyFile", "rootCAFiles", "serverName", "insecureSkipVerify"],
  auth: ["token", "user", "pass", "nkeySeed", "credsFile"],
  reconnect: ["enabled", "maxAttempts", "waitMs", "jitterMs"],
  jetstream: ["domain", "apiPrefix", "timeoutMs"],
};
function resolveConfig(input) {
  const reasons = [];
  const fail = (path, message2) => reasons.push({ path, message: message2 });
  if (input === void 0 || input === null) input = {};
  if (!isRecord(input)) {
    throw new ConfigError([{ path: [], message: "config must be an object" }]);
  }
  const config = input;
  checkKnownKeys(config, [], fail);
  const servers = resolveAddresses(config.addresses, fail);
  const name =
    optionalString(config.name, ["name"], fail, { nonEmpty: true }) ?? detectServiceName();
  const tls = resolveTls(config.tls, servers, fail);
  const auth = resolveAuth(config.auth, servers, fail);
  const reconnect = resolveReconnect(config.reconnect, fail);
  const jetstream2 = resolveJetStream(config.jetstream, fail);
  const timeoutMs = duration(config.timeoutMs, ["timeoutMs"], fail, { positive: true });
  const pingIntervalMs = duration(config.pingIntervalMs, ["pingIntervalMs"], fail, {
    positive: true,
  });
  const plugins = resolvePlugins(config.plugins, fail);
  if (config.onEvent !== void 0 && typeof config.onEvent !== "function") {
    fail(["onEvent"], "onEvent must be a function");
  }
  if (reasons.length > 0) throw new ConfigError(reasons);
  return {
    servers,
    name,
    tls,
    auth,
    reconnect,
    jetstream: jetstream2,
    timeoutMs: timeoutMs ?? defaults.timeoutMs,
    pingIntervalMs: pingIntervalMs ?? defaults.pingIntervalMs,
    plugins,
    onEvent: config.onEvent,
    secrets: secretsOf(auth),
  };
}
function resolveAddresses(value, fail) {
  if (value === void 0) return defaults.addresses.map((a) => parseAddress(a));
  if (!Array.isArray(value)) {
    fail(["addresses"], "addresses must be an array of URLs");
    return [];
  }
  if (value.length === 0) fail(["addresses"], "addresses must list at least one server");
  const servers = [];
  value.forEach((raw, i) => {
    if (typeof raw !== "string") {
      fail(["addresses", i], "address must be a string");
      return;
    }
    const parsed = parseAddress(raw);
    if (isAddressProblem(parsed)) fail(["addresses", i], parsed.problem);
    else servers.push(parsed);
  });
  const withCredentials = servers.filter((s) => s.user !== void 0 || s.pass !== void 0);
  const distinct = new Set(withCredentials.map((s) => `${s.user ?? ""}\0${s.pass ?? ""}`));
  if (distinct.size > 1) {
    fail(["addresses"], "addresses carry different credentials: the client uses one identity");
  }
  if (withCredentials.some((s) => s.user === void 0)) {
    fail(["addresses"], "an address has a password without a user name");
  }
  return servers;
}
function resolveTls(value, servers, fail) {
  const tlsScheme = servers.some((s) => s.scheme === "tls");
  if (value === void 0) {
    return tlsScheme
      ? {
          certFile: void 0,
          keyFile: void 0,
          rootCAFiles: [],
          serverName: void 0,
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
  if (value.keyFile !== void 0 && value.certFile === void 0) {
    fail(["tls", "certFile"], "certFile must be set when keyFile is set");
  }
  if (value.certFile !== void 0 && value.keyFile === void 0) {
    fail(["tls", "keyFile"], "keyFile must be set when certFile is set");
  }
  const rootCAFiles = [];
  if (value.rootCAFiles !== void 0) {
    if (!Array.isArray(value.rootCAFiles)) {
      fail(["tls", "rootCAFiles"], "rootCAFiles must be an array of file paths");
    } else {
      value.rootCAFiles.forEach((f, i) => {
        const file = readableFile(f, ["tls", "rootCAFiles", i], fail);
        if (file !== void 0) rootCAFiles.push(file);
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
function resolveAuth(value, servers, fail) {
  const fromUrl = servers.find((s) => s.user !== void 0);
  const methods = [];
  if (fromUrl?.user !== void 0) {
    methods.push({
      name: "credentials in an address",
      auth: { kind: "userpass", user: fromUrl.user, pass: fromUrl.pass },
    });
  }
  if (value !== void 0) {
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
      if (token !== void 0) methods.push({ name: "token", auth: { kind: "token", token } });
      if (pass !== void 0 && user === void 0)
        fail(["auth", "user"], "user must be set when pass is set");
      if (user !== void 0)
        methods.push({ name: "user/pass", auth: { kind: "userpass", user, pass } });
      if (seed !== void 0) {
        if (!/^SU[A-Z2-7]{56}$/.test(seed)) {
          fail(
            ["auth", "nkeySeed"],
            "nkeySeed must be an NKEY user seed (58 characters starting with SU)",
          );
        }
        methods.push({ name: "nkeySeed", auth: { kind: "nkey", seed } });
      }
      if (credsFile !== void 0)
        methods.push({ name: "credsFile", auth: { kind: "creds", file: credsFile } });
    }
  }
  if (methods.length > 1) {
    fail(["auth"], `conflicting auth methods: ${methods.map((m) => m.name).join(", ")}; use one`);
  }
  return methods[0]?.auth ?? { kind: "none" };
}
function resolveReconnect(value, fail) {
  const d = defaults.reconnect;
  if (value === void 0) return { ...d, jitterMs: void 0 };
  if (!isRecord(value)) {
    fail(["reconnect"], "reconnect must be an object");
    return { ...d, jitterMs: void 0 };
  }
  checkKnownKeys(value, ["reconnect"], fail);
  const enabled = optionalBoolean(value.enabled, ["reconnect", "enabled"], fail) ?? d.enabled;
  let maxAttempts = d.maxAttempts;
  if (value.maxAttempts !== void 0) {
    if (!Number.isInteger(value.maxAttempts) || value.maxAttempts < -1) {
      fail(
        ["reconnect", "maxAttempts"],
        "maxAttempts must be an integer >= 0, or -1 for unbounded",
      );
    } else maxAttempts = value.maxAttempts;
  }
  const waitMs = duration(value.waitMs, ["reconnect", "waitMs"], fail) ?? d.waitMs;
  const jitterMs = duration(value.jitterMs, ["reconnect", "jitterMs"], fail);
  return { enabled, maxAttempts, waitMs, jitterMs };
}
function resolveJetStream(value, fail) {
  const timeoutDefault = defaults.jetstream.timeoutMs;
  if (value === void 0) return { domain: void 0, apiPrefix: void 0, timeoutMs: timeoutDefault };
  if (!isRecord(value)) {
    fail(["jetstream"], "jetstream must be an object");
    return { domain: void 0, apiPrefix: void 0, timeoutMs: timeoutDefault };
  }
  checkKnownKeys(value, ["jetstream"], fail);
  const domain = optionalString(value.domain, ["jetstream", "domain"], fail, { nonEmpty: true });
  const apiPrefix2 = optionalString(value.apiPrefix, ["jetstream", "apiPrefix"], fail, {
    nonEmpty: true,
  });
  if (domain !== void 0 && /[\s.*>]/.test(domain)) {
    fail(["jetstream", "domain"], "domain must not contain dots, wildcards or white space");
  }
  if (apiPrefix2 !== void 0 && /[\s*>]/.test(apiPrefix2)) {
    fail(["jetstream", "apiPrefix"], "apiPrefix must not contain wildcards or white space");
  }
  if (domain !== void 0 && apiPrefix2 !== void 0) {
    fail(["jetstream"], "domain and apiPrefix are exclusive: set one");
  }
  const timeoutMs =
    duration(value.timeoutMs, ["jetstream", "timeoutMs"], fail, { positive: true }) ??
    timeoutDefault;
  return { domain, apiPrefix: apiPrefix2, timeoutMs };
}
function resolvePlugins(value, fail) {
  if (value === void 0) return [];
  if (!Array.isArray(value)) {
    fail(["plugins"], "plugins must be an array");
    return [];
  }
  const seen = /* @__PURE__ */ new Set();
  const plugins = [];
  value.forEach((plugin, i) => {
    const problem = pluginProblem(plugin);
    if (problem) {
      fail(["plugins", i], problem);
    } else if (seen.has(plugin.name)) {
      fail(["plugins", i], `plugin "${plugin.name}" is listed twice`);
    } else {
      seen.add(plugin.name);
      plugins.push(plugin);
    }
  });
  return plugins;
}
function checkKnownKeys(value, path, fail) {
  const known = KNOWN_KEYS[path.join(".")] ?? [];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail([...path, key], `unknown option "${key}"`);
  }
}
function optionalString(value, path, fail, opts = {}) {
  if (value === void 0) return void 0;
  const field = String(path[path.length - 1]);
  if (typeof value !== "string") {
    fail(path, `${field} must be a string`);
    return void 0;
  }
  if (opts.nonEmpty && value.trim() === "") {
    fail(path, `${field} must be set and not be empty`);
    return void 0;
  }
  return value;
}
function optionalBoolean(value, path, fail) {
  if (value === void 0) return void 0;
  if (typeof value !== "boolean") {
    fail(path, `${String(path[path.length - 1])} must be true or false`);
    return void 0;
  }
  return value;
}
function duration(value, path, fail, opts = {}) {
  if (value === void 0) return void 0;
  const field = String(path[path.length - 1]);
  if (typeof value !== "number" || !Number.isFinite(value)) {
    fail(path, `${field} must be a finite number of milliseconds`);
    return void 0;
  }
  if (value < 0 || (opts.positive && value === 0)) {
    fail(path, `${field} must be ${opts.positive ? "greater than 0" : "0 or more"}, got ${value}`);
    return void 0;
  }
  return value;
}
function readableFile(value, path, fail) {
  const file = optionalString(value, path, fail, { nonEmpty: true });
  if (file === void 0) return void 0;
  const field = String(path[path.length - 1]);
  try {
    if (!statSync(file).isFile()) {
      fail(path, `${field} "${file}" is not a file`);
      return void 0;
    }
    accessSync(file, constants.R_OK);
  } catch {
    fail(path, `${field} "${file}" does not exist or is not readable`);
    return void 0;
  }
  return file;
}
function secretsOf(auth) {
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
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ../nats-core/src/connect.ts
import { readFileSync } from "node:fs";
// ../nats-core/src/connection.ts
import {
  jetstream,
  jetstreamManager,
} from "/work/main/node_modules/.pnpm/@nats-io+jetstream@3.4.0/node_modules/@nats-io/jetstream/lib/mod.js";
import {
  credsAuthenticator,
  connect as natsConnect,
  nkeyAuthenticator,
} from "/work/main/node_modules/.pnpm/@nats-io+transport-node@3.4.0/node_modules/@nats-io/transport-node/index.js";

// ../nats-core/src/error-mapping.ts
var JetStreamCodes = {
  JetStreamNotEnabledForAccount: 10039,
  JetStreamTemporarilyUnavailable: 10008,
  ConsumerNotFound: 10014,
  StreamNotFound: 10059,
  NoMessageFound: 10037,
  StreamWrongLastSequence: 10071,
  StreamWrongLastSequenceUnknown: 10164,
};
function toHelixError(err, context3 = {}) {
  if (isHelixError(err)) return err;
  if (typeof err !== "object" || err === null) {
    return new HelixError(prefix(context3, String(err)), "NATS", { cause: err });
  }
  const e = err;
  const name = typeof e.name === "string" ? e.name : "";
  const message2 = typeof e.message === "string" ? e.message : String(err);
  const opts = { cause: err };
  switch (name) {
    case "AbortError":
      return new CancelledError(prefix(context3, "cancelled"), opts);
    case "TimeoutError":
      return new TimeoutError(prefix(context3, "timed out waiting for the server"), opts);
    case "NoRespondersError":
      return noResponders(context3, err);
    case "RequestError":
      if (typeof e.isNoResponders === "function" && e.isNoResponders()) {
        return noResponders(context3, err);
      }
      if (isNamed(e.cause, "TimeoutError")) {
        return new TimeoutError(prefix(context3, "timed out waiting for the server"), opts);
      }
      if (isNamed(e.cause, "NoRespondersError")) return noResponders(context3, err);
      break;
    case "JetStreamNotEnabled":
      if (codeOf(e.cause) === JetStreamCodes.JetStreamNotEnabledForAccount) {
        return new JetStreamUnavailableError(prefix(context3, message2), {
          ...opts,
          retryable: false,
        });
      }
      return new JetStreamUnavailableError(
        prefix(context3, `JetStream is not available (${message2}); it may be electing a leader`),
        opts,
      );
    case "ClosedConnectionError":
      return new ConnectionError(prefix(context3, "the connection is closed"), {
        ...opts,
        code: "CONNECTION_CLOSED",
      });
    case "DrainingConnectionError":
      return new ConnectionError(prefix(context3, "the connection is draining"), {
        ...opts,
        code: "CONNECTION_CLOSED",
      });
    case "AuthorizationError":
    case "UserAuthenticationExpiredError":
      return new ConnectionError(prefix(context3, `the server refused the client: ${message2}`), {
        ...opts,
        code: "AUTHORIZATION_FAILED",
      });
    case "ConnectionError":
      return new ConnectionError(prefix(context3, message2), opts);
    case "PermissionViolationError":
      return new PermissionError(prefix(context3, message2), opts);
    case "InvalidSubjectError":
      return new ValidationError("subject", prefix(context3, message2), opts);
    case "InvalidNameError":
      return new ValidationError("name", prefix(context3, message2), opts);
    case "InvalidArgumentError":
      return new ValidationError("argument", prefix(context3, message2), opts);
    case "StreamNotFoundError":
      return streamNotFound(context3, err);
    case "ConsumerNotFoundError":
      return consumerNotFound(context3, err);
    case "JetStreamStatusError":
    case "JetStreamError": {
      const fromStatus = fromPullStatus(message2, context3, err);
      if (fromStatus) return fromStatus;
      break;
    }
  }
  if (typeof e.code === "number" && (name === "JetStreamApiError" || e.code >= 1e4)) {
    return fromApiCode(
      e.code,
      message2,
      context3,
      err,
      typeof e.status === "number" ? e.status : void 0,
    );
  }
  return new HelixError(prefix(context3, message2), "NATS", opts);
}
function fromApiCode(code, message2, context3, cause, status) {
  const opts = { cause };
  switch (code) {
    case JetStreamCodes.StreamNotFound:
      return streamNotFound(context3, cause);
    case JetStreamCodes.ConsumerNotFound:
      return consumerNotFound(context3, cause);
    case JetStreamCodes.NoMessageFound:
      return new NotFoundError("message", void 0, opts);
    case JetStreamCodes.StreamWrongLastSequence:
    case JetStreamCodes.StreamWrongLastSequenceUnknown:
      return new WrongRevisionError(prefix(context3, message2), { ...opts, apiCode: code });
    case JetStreamCodes.JetStreamTemporarilyUnavailable:
      return new JetStreamUnavailableError(prefix(context3, message2), opts);
    case JetStreamCodes.JetStreamNotEnabledForAccount:
      return new JetStreamUnavailableError(prefix(context3, message2), {
        ...opts,
        retryable: false,
      });
    default:
      return new JetStreamApiError(prefix(context3, message2), code, { ...opts, status });
  }
}
function streamNotFound(context3, cause) {
  if (context3.what === "bucket") return new NotFoundError("bucket", context3.resource, { cause });
  const name = context3.what === "stream" ? context3.resource : context3.stream;
  return new NotFoundError("stream", name, { cause });
}
function consumerNotFound(context3, cause) {
  const name = context3.what === "consumer" ? context3.resource : void 0;
  return new NotFoundError("consumer", name, { cause });
}
function fromPullStatus(message2, context3, cause) {
  const description = message2.toLowerCase();
  if (description.includes("consumer deleted") || description === "consumer not found") {
    return consumerNotFound(context3, cause);
  }
  if (description.includes("stream deleted") || description === "stream not found") {
    return streamNotFound(context3, cause);
  }
  if (description.endsWith("heartbeats missed")) {
    return new TimeoutError(prefix(context3, "heartbeats from the server were missed"), { cause });
  }
  return void 0;
}
function codeOf(value) {
  return typeof value === "object" && value !== null ? value.code : void 0;
}
function noResponders(context3, cause) {
  return new JetStreamUnavailableError(
    prefix(context3, "no responders: JetStream is not enabled, not ready, or electing a leader"),
    { cause },
  );
}
function isNamed(value, name) {
  return typeof value === "object" && value !== null && value.name === name;
}
function prefix(context3, message2) {
  return context3.operation ? `${context3.operation}: ${message2}` : message2;
}

// ../nats-core/src/secrets.ts
function scrubError(err, scrub) {
  if (!hasSecret(err, scrub, 0)) return err;
  return copyScrubbed(err, scrub, 0);
}
function hasSecret(err, scrub, depth) {
  if (depth > 8 || typeof err !== "object" || err === null) return false;
  const { message: message2, stack, cause } = err;
  if (typeof message2 === "string" && scrub(message2) !== message2) return true;
  if (typeof stack === "string" && scrub(stack) !== stack) return true;
  return hasSecret(cause, scrub, depth + 1);
}
function copyScrubbed(err, scrub, depth) {
  if (depth > 8 || typeof err !== "object" || err === null) return err;
  const source = err;
  const cause = copyScrubbed(source.cause, scrub, depth + 1);
  const copy = new Error(
    scrub(String(source.message ?? "")),
    cause === void 0 ? void 0 : { cause },
  );
  copy.name = source.name;
  if (typeof source.stack === "string") copy.stack = scrub(source.stack);
  if (source.code !== void 0) Object.assign(copy, { code: source.code });
  return copy;
}
function secretScrubber(secrets) {
  const list = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of list) out = out.split(secret).join("***");
    return out;
  };
}

// ../nats-core/src/events.ts
function toConnectionEvent(status, scrub) {
  switch (status.type) {
    case "disconnect":
      return { type: "disconnect", server: redactAddress(status.server) };
    case "reconnecting":
      return { type: "reconnecting" };
    case "reconnect":
      return { type: "reconnect", server: redactAddress(status.server) };
    case "error":
      return { type: "error", error: scrubError(status.error, scrub) };
    case "ldm":
      return { type: "lame-duck", server: redactAddress(status.server) };
    case "update":
      return {
        type: "servers-changed",
        added: (status.added ?? []).map(redactAddress),
        deleted: (status.deleted ?? []).map(redactAddress),
      };
    case "staleConnection":
      return { type: "stale-connection" };
    case "slowConsumer":
      return { type: "slow-consumer", subject: status.sub.getSubject(), pending: status.pending };
    case "close":
      return { type: "close" };
    default:
      return null;
  }
}

// ../nats-core/src/health.ts
function jetStreamInfoSubject(opts) {
  if (opts.apiPrefix) return `${opts.apiPrefix.replace(/\.$/, "")}.INFO`;
  if (opts.domain) return `$JS.${opts.domain}.API.INFO`;
  return "$JS.API.INFO";
}
async function probeJetStream(nc, subject, timeoutMs) {
  try {
    const reply = await nc.request(subject, void 0, { timeout: timeoutMs });
    const body = reply.json();
    if (body.error)
      return `JetStream answered with an error: ${body.error.description ?? "unknown"}`;
    return null;
  } catch (err) {
    const mapped = toHelixError(err);
    switch (mapped.code) {
      case "TIMEOUT":
        return "JetStream did not answer in time";
      case "JETSTREAM_UNAVAILABLE":
        return "JetStream is not enabled or not ready (no responders)";
      default:
        return `JetStream probe failed: ${mapped.message}`;
    }
  }
}

// ../nats-core/src/connection.ts
var CONNECTION_BRAND = /* @__PURE__ */ Symbol.for("@helix/nats.connection");
var DEFAULT_DRAIN_TIMEOUT_MS = 3e4;
function isConnection(value) {
  return typeof value === "object" && value !== null && value[CONNECTION_BRAND] === true;
}
var ConnectionClientInfo = class {
  name;
  #nc;
  #cachedFor = "";
  #server;
  constructor(name, nc) {
    this.name = name;
    this.#nc = nc;
  }
  get server() {
    if (this.#nc.isClosed()) return void 0;
    const current = this.#nc.getServer();
    if (current !== this.#cachedFor) {
      this.#cachedFor = current;
      this.#server = splitHostPort(current) ?? void 0;
    }
    return this.#server;
  }
  get serverAddress() {
    return this.server?.address;
  }
  get serverPort() {
    return this.server?.port;
  }
};
var HelixConnection = class {
  nats;
  jetstream;
  jetstreamOptions;
  middleware;
  client;
  closed;
  #config;
  #scrub;
  #manager;
  #state = "connected";
  #drainHooks = /* @__PURE__ */ new Set();
  #draining;
  #plugins = /* @__PURE__ */ new Set();
  constructor(nc, config, stack) {
    Object.defineProperty(this, CONNECTION_BRAND, { value: true });
    this.nats = nc;
    this.middleware = stack;
    this.#config = config;
    this.#scrub = secretScrubber(config.secrets);
    this.jetstreamOptions = Object.freeze({
      timeout: config.jetstream.timeoutMs,
      ...(config.jetstream.domain ? { domain: config.jetstream.domain } : {}),
      ...(config.jetstream.apiPrefix ? { apiPrefix: config.jetstream.apiPrefix } : {}),
    });
    this.jetstream = jetstream(nc, { ...this.jetstreamOptions });
    this.client = new ConnectionClientInfo(config.name, nc);
    this.closed = nc.closed().then((err) => {
      this.#state = "closed";
      return err ? toHelixError(scrubError(err, this.#scrub)) : void 0;
    });
    for (const plugin of config.plugins) this.#plugins.add(plugin.name);
    this.#watchStatus().catch((err) => {
      this.#emit({ type: "error", error: scrubError(toHelixError(err), this.#scrub) });
    });
  }
  get server() {
    return this.#currentState() === "connected" ? this.client.server : void 0;
  }
  get isClosed() {
    return this.nats.isClosed();
  }
  manager() {
    this.#manager ??= jetstreamManager(this.nats, { ...this.jetstreamOptions, checkAPI: false });
    return this.#manager;
  }
  use(plugin) {
    const problem =
      pluginProblem(plugin) ??
      (this.#plugins.has(plugin.name) ? `plugin "${plugin.name}" is already installed` : void 0);
    if (problem) {
      throw new ConfigError([{ message: problem, path: ["plugins"] }], { subject: "plugin" });
    }
    installPlugins(this.middleware, [plugin]);
    this.#plugins.add(plugin.name);
    return this;
  }
  run(op, terminal) {
    return this.middleware.run(op, terminal);
  }
  async status() {
    const connection = this.#currentState();
    const server = this.server ?? null;
    if (connection !== "connected") {
      return {
        code: 503,
        connection,
        jetstream: false,
        server,
        reason: `the connection is ${connection}`,
      };
    }
    const subject = jetStreamInfoSubject(this.#config.jetstream);
    const timeout = Math.min(this.#config.jetstream.timeoutMs, 2e3);
    const problem = await probeJetStream(this.nats, subject, timeout);
    if (problem !== null)
      return { code: 503, connection, jetstream: false, server, reason: problem };
    return { code: 200, connection, jetstream: true, server };
  }
  onDrain(hook) {
    this.#drainHooks.add(hook);
    return () => {
      this.#drainHooks.delete(hook);
    };
  }
  drain(options = {}) {
    this.#draining ??= this.#drain(options.timeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
    return this.#draining;
  }
  async close() {
    if (!this.nats.isClosed()) await this.nats.close();
    await this.closed;
  }
  [Symbol.asyncDispose]() {
    return this.drain();
  }
  async #drain(timeoutMs) {
    let timer;
    const expired = new Promise((resolve) => {
      timer = setTimeout(() => resolve("expired"), timeoutMs);
    });
    try {
      const outcome = await Promise.race([this.#finishWorkThenDrain(), expired]);
      if (outcome === "expired") {
        await this.close();
        throw new TimeoutError(
          `drain: in-flight work did not finish within ${timeoutMs} ms; the connection was closed`,
        );
      }
    } finally {
      clearTimeout(timer);
    }
    await this.closed;
  }
  async #finishWorkThenDrain() {
    const results = await Promise.allSettled([...this.#drainHooks].map((hook) => hook()));
    for (const result of results) {
      if (result.status === "rejected") {
        const error = scrubError(toHelixError(result.reason, { operation: "drain" }), this.#scrub);
        this.#emit({ type: "error", error });
      }
    }
    if (this.nats.isClosed() || this.nats.isDraining()) return "drained";
    try {
      await this.nats.drain();
    } catch (err) {
      if (!this.nats.isClosed()) await this.nats.close();
      const name = err.name;
      if (name === "ClosedConnectionError" || name === "DrainingConnectionError") return "drained";
      throw new ConnectionError(
        "drain: the server could not be reached to drain subscriptions; the connection was closed",
        { cause: scrubError(err, this.#scrub), code: "CONNECTION_CLOSED" },
      );
    }
    return "drained";
  }
  #currentState() {
    if (this.nats.isClosed()) return "closed";
    if (this.nats.isDraining() || this.#draining) return "draining";
    return this.#state;
  }
  async #watchStatus() {
    for await (const status of this.nats.status()) {
      switch (status.type) {
        case "disconnect":
        case "reconnecting":
          this.#state = this.#config.reconnect.enabled ? "reconnecting" : "disconnected";
          break;
        case "reconnect":
          this.#state = "connected";
          break;
        case "close":
          this.#state = "closed";
          break;
      }
      const event = toConnectionEvent(status, this.#scrub);
      if (event) this.#emit(event);
    }
  }
  #emit(event) {
    const onEvent = this.#config.onEvent;
    if (onEvent) {
      try {
        onEvent(event);
      } catch {}
    }
    if (this.middleware.size > 0) {
      this.middleware
        .run({ kind: "connection.event", client: this.client, event }, noop)
        .catch(() => {});
    }
  }
};
var noop = () => Promise.resolve();

// ../nats-core/src/middleware.ts
var MiddlewareStack = class {
  #entries = [];
  /** Names of the middlewares, outermost first. */
  get names() {
    return this.#entries.map((e) => e.name);
  }
  /** Number of middlewares. */
  get size() {
    return this.#entries.length;
  }
  /** True when a middleware with this name is installed. */
  has(name) {
    return this.#entries.some((e) => e.name === name);
  }
  /**
   * Adds a middleware. Without `before`/`after` it goes innermost (last). Throws a `ConfigError`
   * when the name is taken, both `before` and `after` are given, or the one they name is absent.
   */
  add(middleware, placement) {
    const { name, before, after } = placement ?? {};
    const problems = [];
    if (typeof middleware !== "function") problems.push("middleware must be a function");
    if (typeof name !== "string" || name.trim() === "")
      problems.push("middleware needs a non-empty name");
    else if (this.has(name)) problems.push(`a middleware named "${name}" is already installed`);
    if (before !== void 0 && after !== void 0)
      problems.push("give either before or after, not both");
    const anchor = before ?? after;
    const index =
      anchor === void 0 ? this.#entries.length : this.#entries.findIndex((e) => e.name === anchor);
    if (anchor !== void 0 && index < 0)
      problems.push(`no middleware named "${anchor}" to place it next to`);
    if (problems.length > 0) {
      throw new ConfigError(
        problems.map((message2) => ({ message: message2, path: ["middleware", String(name)] })),
        { subject: "middleware" },
      );
    }
    const at = after !== void 0 ? index + 1 : index;
    const entries = [...this.#entries];
    entries.splice(at, 0, { name, middleware });
    this.#set(entries);
    return this;
  }
  /** Removes the middleware with this name; returns whether one was removed. */
  remove(name) {
    const entries = this.#entries.filter((e) => e.name !== name);
    if (entries.length === this.#entries.length) return false;
    this.#set(entries);
    return true;
  }
  /**
   * Runs `operation` through every middleware, outermost first, then `terminal` (the real call).
   * A middleware that throws synchronously rejects the returned promise; the stack is unchanged.
   */
  run(op, terminal) {
    const chain = this.#entries;
    if (chain.length === 0) return terminal();
    const dispatch = (i) => {
      if (i === chain.length) return terminal();
      const entry = chain[i];
      let called = false;
      const next = () => {
        if (called) {
          return Promise.reject(
            new MiddlewareError(`middleware "${entry.name}" called next() more than once`),
          );
        }
        called = true;
        return dispatch(i + 1);
      };
      try {
        return entry.middleware(op, next);
      } catch (err) {
        return Promise.reject(err);
      }
    };
    return dispatch(0);
  }
  #set(entries) {
    this.#entries = Object.freeze(entries);
  }
};

// ../nats-core/src/connect.ts
async function connect(config = {}) {
  const resolved = resolveConfig(config);
  const stack = new MiddlewareStack();
  installPlugins(stack, resolved.plugins);
  const options = toClientOptions(resolved);
  const scrub = secretScrubber(resolved.secrets);
  const target = describeTarget(resolved);
  let nc;
  try {
    nc = await natsConnect(options);
    return new HelixConnection(nc, resolved, stack);
  } catch (err) {
    if (nc && !nc.isClosed()) await nc.close().catch(() => {});
    if (isHelixError(err)) throw err;
    throw connectionFailure(err, target, scrub);
  }
}
function toClientOptions(config) {
  const options = {
    servers: config.servers.map((s) =>
      s.host.includes(":") ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`,
    ),
    name: config.name,
    timeout: config.timeoutMs,
    pingInterval: config.pingIntervalMs,
    reconnect: config.reconnect.enabled,
    maxReconnectAttempts: config.reconnect.maxAttempts,
    reconnectTimeWait: config.reconnect.waitMs,
    waitOnFirstConnect: false,
  };
  if (config.reconnect.jitterMs !== void 0) {
    options.reconnectJitter = config.reconnect.jitterMs;
    options.reconnectJitterTLS = config.reconnect.jitterMs;
  }
  const auth = config.auth;
  switch (auth.kind) {
    case "token":
      options.token = auth.token;
      break;
    case "userpass":
      options.user = auth.user;
      if (auth.pass !== void 0) options.pass = auth.pass;
      break;
    case "nkey":
      options.authenticator = nkeyAuthenticator(new TextEncoder().encode(auth.seed));
      break;
    case "creds":
      options.authenticator = credsAuthenticator(readFileSync(auth.file));
      break;
  }
  if (config.tls) {
    const tls = {
      rejectUnauthorized: !config.tls.insecureSkipVerify,
    };
    if (config.tls.certFile) tls.certFile = config.tls.certFile;
    if (config.tls.keyFile) tls.keyFile = config.tls.keyFile;
    if (config.tls.rootCAFiles.length > 0) {
      tls.ca = config.tls.rootCAFiles.map((f) => readFileSync(f, "utf8")).join("\n");
    }
    if (config.tls.serverName) tls.servername = config.tls.serverName;
    options.tls = tls;
  }
  return options;
}
function describeTarget(config) {
  const urls = config.servers.map((s) => s.url).join(", ");
  const who = config.auth.kind === "userpass" ? ` as "${config.auth.user}"` : "";
  return `${urls}${who}`;
}
function connectionFailure(err, target, scrub) {
  const clean = err instanceof Error ? scrubError(err, scrub) : err;
  const mapped = toHelixError(clean);
  const reason = scrub(describeReason(clean));
  const code =
    mapped.code === "AUTHORIZATION_FAILED" ? "AUTHORIZATION_FAILED" : "CONNECTION_FAILED";
  return new ConnectionError(`Could not connect to ${target}: ${reason}`, { cause: clean, code });
}
function describeReason(err) {
  if (typeof err !== "object" || err === null) return String(err);
  const e = err;
  const own = e.message && e.message !== "" ? e.message : (e.code ?? e.name ?? "unknown error");
  const cause = e.cause;
  if (cause && typeof cause === "object" && cause.message && !own.includes(cause.message)) {
    return `${own} (${cause.message})`;
  }
  return own;
}

// ../nats-core/src/headers.ts
import {
  canonicalMIMEHeaderKey,
  headers as createHeaders,
} from "/work/main/node_modules/.pnpm/@nats-io+transport-node@3.4.0/node_modules/@nats-io/transport-node/index.js";

function getHeader(h, name) {
  if (h === void 0) return void 0;
  const key = findKey(h, name);
  if (key === void 0) return void 0;
  return h.values(key)[0];
}
function hasHeader(h, name) {
  return h !== void 0 && findKey(h, name) !== void 0;
}
function setHeader(h, name, value) {
  deleteHeader(h, name);
  h.set(canonicalHeaderName(name), value);
}
function setHeaderIfAbsent(h, name, value) {
  if (findKey(h, name) !== void 0) return false;
  h.set(canonicalHeaderName(name), value);
  return true;
}
function deleteHeader(h, name) {
  const lower = name.toLowerCase();
  for (const key of h.keys()) if (key.toLowerCase() === lower) h.delete(key);
}
function canonicalHeaderName(name) {
  return canonicalMIMEHeaderKey(name);
}
function copyHeaders(init) {
  const out = createHeaders();
  if (init === void 0) return out;
  if (isMsgHdrs(init)) {
    for (const [key, values] of init) for (const v of values) out.append(key, v);
    return out;
  }
  for (const [key, value] of Object.entries(init)) {
    if (typeof value === "string") out.append(key, value);
    else for (const v of value) out.append(key, v);
  }
  return out;
}
function findKey(h, name) {
  if (h.has(name)) return name;
  const lower = name.toLowerCase();
  for (const key of h.keys()) if (key.toLowerCase() === lower) return key;
  return void 0;
}
function isMsgHdrs(value) {
  return (
    typeof value.keys === "function" &&
    typeof value.values === "function" &&
    typeof value[Symbol.iterator] === "function"
  );
}

// ../nats-core/src/names.ts
var WHITESPACE = /\s/;
var MAX_NAME_LENGTH = 255;
function assertSubject(subject, use = "publish", field = "subject") {
  if (typeof subject !== "string" || subject === "") {
    throw invalid(field, subject, `${field} must be a non-empty string`);
  }
  if (WHITESPACE.test(subject))
    throw invalid(field, subject, `${field} "${subject}" must not contain white space`);
  const tokens = subject.split(".");
  tokens.forEach((token, i) => {
    if (token === "") {
      throw invalid(
        field,
        subject,
        `${field} "${subject}" has an empty token (a leading, trailing or double dot)`,
      );
    }
    const wildcard = token === "*" || token === ">";
    if (use === "publish" && wildcard) {
      throw invalid(field, subject, `${field} "${subject}" must not contain wildcards to publish`);
    }
    if (!wildcard && (token.includes("*") || token.includes(">"))) {
      throw invalid(field, subject, `${field} "${subject}": wildcards must be whole tokens`);
    }
    if (token === ">" && i !== tokens.length - 1) {
      throw invalid(field, subject, `${field} "${subject}": ">" may only be the last token`);
    }
  });
}
function assertStreamName(name) {
  assertResourceName(name, "stream");
}
function assertConsumerName(name) {
  assertResourceName(name, "consumer");
}
function assertResourceName(name, what) {
  if (typeof name !== "string" || name === "")
    throw invalid(what, name, `${what} name must be a non-empty string`);
  if (name.length > MAX_NAME_LENGTH) {
    throw invalid(
      what,
      name,
      `${what} name is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}`,
    );
  }
  if (/[\s.*>/\\]/.test(name) || hasControlCharacter(name)) {
    throw invalid(
      what,
      name,
      `${what} name "${name}" must not contain white space, ".", "*", ">", "/" or "\\"`,
    );
  }
}
function hasControlCharacter(text) {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 32 || code === 127) return true;
  }
  return false;
}
function invalid(field, value, message2) {
  return new ValidationError(field, message2, { value });
}

// ../nats-core/src/payload.ts
var encoder = new TextEncoder();
function encodePayload(value, field) {
  if (value instanceof Uint8Array) return { bytes: value, json: false };
  if (typeof value === "string") return { bytes: encoder.encode(value), json: false };
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || isSharedArrayBuffer(value)) {
    const type = Object.prototype.toString.call(value).slice(8, -1);
    throw new ValidationError(field, `${field} is a ${type}: pass its bytes as a Uint8Array`);
  }
  if (value === void 0 || typeof value === "function" || typeof value === "symbol") {
    const what = value === void 0 ? "undefined" : `a ${typeof value}`;
    throw new ValidationError(
      field,
      `${field} must not be ${what}; pass a Uint8Array, a string or a JSON value`,
      { value: what },
    );
  }
  let text;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new ValidationError(field, `${field} cannot be encoded as JSON: ${err.message}`, {
      cause: err,
    });
  }
  if (text === void 0) throw new ValidationError(field, `${field} cannot be encoded as JSON`);
  return { bytes: encoder.encode(text), json: true };
}
function isSharedArrayBuffer(value) {
  return typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer;
}

// ../nats-consumer/src/consumer-errors.ts
function toPullError(err, ctx) {
  return toHelixError(err, {
    what: "consumer",
    resource: ctx.consumer,
    stream: ctx.stream,
    operation: ctx.operation,
  });
}
function closedUnderError(conn, ctx) {
  if (!conn.nats.isClosed()) return void 0;
  return new ConnectionError(
    `${ctx.operation}: the connection closed under consumer "${ctx.consumer}" of stream "${ctx.stream}"`,
    { code: "CONNECTION_CLOSED" },
  );
}
function terminalStatusError(status, ctx, ordered) {
  switch (status.type) {
    case "consumer_deleted":
      return ordered
        ? void 0
        : new NotFoundError("consumer", ctx.consumer, {
            cause: new Error(`${status.code} ${status.description}`),
          });
    case "consumer_not_found":
      return ordered ? void 0 : new NotFoundError("consumer", ctx.consumer);
    case "stream_not_found":
      return new NotFoundError("stream", ctx.stream);
    default:
      return void 0;
  }
}
function heartbeatError(count, ctx) {
  return new TimeoutError(
    `${ctx.operation}: ${count} heartbeats from the server were missed on consumer "${ctx.consumer}" of stream "${ctx.stream}"`,
  );
}
async function refineGone(conn, err, ctx) {
  if (err.what !== "consumer") return err;
  try {
    const jsm = await conn.manager();
    await jsm.streams.info(ctx.stream);
    return err;
  } catch (cause) {
    const gone = toHelixError(cause, { what: "stream", resource: ctx.stream });
    return gone.code === "NOT_FOUND" && gone.what === "stream" ? gone : err;
  }
}
async function explainTimeout(conn, err, ctx, ordered) {
  if (err.code !== "TIMEOUT") return err;
  try {
    const jsm = await conn.manager();
    if (ordered) await jsm.streams.info(ctx.stream);
    else await jsm.consumers.info(ctx.stream, ctx.consumer);
    return err;
  } catch (cause) {
    const gone = toHelixError(cause, {
      what: ordered ? "stream" : "consumer",
      resource: ordered ? ctx.stream : ctx.consumer,
      stream: ctx.stream,
      operation: ctx.operation,
    });
    return gone.code === "NOT_FOUND" ? gone : err;
  }
}

// ../nats-consumer/src/nak-delay.ts
function defaultNakDelay(deliveryCount) {
  const exponent = Math.max(0, Math.min(deliveryCount - 1, 5));
  return Math.min(1e3 * 2 ** exponent, 3e4);
}
function nakDelayFor(delay, deliveryCount) {
  const ms =
    typeof delay === "function" ? delay(deliveryCount) : (delay ?? defaultNakDelay(deliveryCount));
  return Number.isFinite(ms) && ms > 0 ? Math.floor(ms) : 0;
}
function assertNakDelay(delay, field = "nakDelayMs") {
  if (delay === void 0 || typeof delay === "function") return;
  if (typeof delay !== "number" || !Number.isFinite(delay) || delay < 0) {
    throw new ValidationError(
      field,
      `${field} must be a non-negative number of milliseconds or a function`,
      {
        value: delay,
      },
    );
  }
}

// ../nats-consumer/src/server-version.ts
function compareVersions(a, b) {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  for (let i = 0; i < 3; i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
function versionAtLeast(version, min) {
  if (version === void 0 || version === "") return false;
  return compareVersions(version, min) >= 0;
}
function parseVersion(v) {
  const core = v.trim().replace(/^v/, "").split(/[-+]/, 1)[0] ?? "";
  return core.split(".").map((part) => {
    const n = Number.parseInt(part, 10);
    return Number.isFinite(n) ? n : 0;
  });
}

// ../nats-consumer/src/consumer-validation.ts
var MULTI_FILTER_MIN_VERSION = "2.10.0";
var ACK_POLICIES = /* @__PURE__ */ new Set(["none", "all", "explicit"]);
function assertInteger(n, field, min = 1, max = Number.MAX_SAFE_INTEGER) {
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw new ValidationError(field, `${field} must be an integer from ${min} to ${max}`, {
      value: n,
    });
  }
}
function assertOptionalInteger(n, field, min) {
  if (n !== void 0) assertInteger(n, field, min);
}
function assertFilters(filters, field, serverVersion) {
  if (filters === void 0) return;
  const list = typeof filters === "string" ? [filters] : filters;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ValidationError(
      field,
      `${field} must be a subject or a non-empty array of subjects`,
      {
        value: filters,
      },
    );
  }
  for (const subject of list) assertSubject(subject, "filter");
  if (list.length > 1 && !versionAtLeast(serverVersion, MULTI_FILTER_MIN_VERSION)) {
    throw new ValidationError(
      field,
      `more than one filter subject needs nats-server ${MULTI_FILTER_MIN_VERSION} or newer; the server is ${serverVersion ?? "of unknown version"}. Use one filter subject (or a wildcard) instead`,
      { value: filters },
    );
  }
}
function assertConsumerConfig(config, serverVersion) {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new ValidationError("config", "the consumer config must be an object", { value: config });
  }
  const c = config;
  if (c.durable_name !== void 0) assertConsumerName(c.durable_name);
  if (c.name !== void 0) assertConsumerName(c.name);
  if (c.durable_name !== void 0 && c.name !== void 0 && c.durable_name !== c.name) {
    throw new ValidationError("name", "name and durable_name must be the same when both are set", {
      value: c.name,
    });
  }
  if (c.deliver_subject !== void 0) {
    throw new ValidationError(
      "deliver_subject",
      "push consumers are not supported: helix consumers are pull consumers (drop deliver_subject)",
    );
  }
  if (c.filter_subject !== void 0 && c.filter_subjects !== void 0) {
    throw new ValidationError("filter_subjects", "set filter_subject or filter_subjects, not both");
  }
  if (c.filter_subject !== void 0) assertSubject(c.filter_subject, "filter");
  assertFilters(c.filter_subjects, "filter_subjects", serverVersion);
  if (c.ack_policy !== void 0 && !ACK_POLICIES.has(c.ack_policy)) {
    throw new ValidationError("ack_policy", 'ack_policy must be "explicit", "all" or "none"', {
      value: c.ack_policy,
    });
  }
  if (c.max_deliver !== void 0 && c.max_deliver !== -1)
    assertInteger(c.max_deliver, "max_deliver", 1);
  if (c.backoff !== void 0) {
    if (!Array.isArray(c.backoff) || c.backoff.length === 0) {
      throw new ValidationError("backoff", "backoff must be a non-empty array of nanoseconds", {
        value: c.backoff,
      });
    }
    for (const d of c.backoff) assertInteger(d, "backoff", 1);
    if (c.max_deliver !== void 0 && c.max_deliver !== -1 && c.max_deliver <= c.backoff.length) {
      throw new ValidationError(
        "backoff",
        "max_deliver must be greater than the number of backoff steps",
        {
          value: c.backoff,
        },
      );
    }
  }
  assertOptionalInteger(c.ack_wait, "ack_wait", 1);
  assertOptionalInteger(c.max_ack_pending, "max_ack_pending", -1);
}
function normalizeConsumerConfig(config) {
  const out = { ...config };
  if (Array.isArray(out.filter_subjects) && out.filter_subjects.length === 1) {
    out.filter_subject = out.filter_subjects[0];
    delete out.filter_subjects;
  }
  if (out.name !== void 0 && out.durable_name === void 0) out.durable_name = out.name;
  return out;
}
function assertOrderedConfig(config, serverVersion) {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new ValidationError("config", "the ordered consumer config must be an object", {
      value: config,
    });
  }
  const c = config;
  assertFilters(c.filter_subjects, "filter_subjects", serverVersion);
  if (c.name_prefix !== void 0) assertConsumerName(c.name_prefix);
  assertOptionalInteger(c.opt_start_seq, "opt_start_seq", 1);
}
function normalizeOrderedConfig(config) {
  const out = { ...config };
  if (Array.isArray(out.filter_subjects) && out.filter_subjects.length === 1) {
    out.filter_subjects = out.filter_subjects[0] ?? ">";
  }
  return out;
}
function assertPullOptions(options) {
  if (options.maxMessages !== void 0 && options.maxBytes !== void 0) {
    throw new ValidationError("maxBytes", "set maxMessages or maxBytes, not both");
  }
  assertOptionalInteger(options.maxMessages, "maxMessages", 1);
  assertOptionalInteger(options.maxBytes, "maxBytes", 1);
  assertExpires(options.expiresMs);
  assertOptionalInteger(options.idleHeartbeatMs, "idleHeartbeatMs", 1);
  assertOptionalInteger(options.maxMissedHeartbeats, "maxMissedHeartbeats", 1);
  if (options.onStatus !== void 0 && typeof options.onStatus !== "function") {
    throw new ValidationError("onStatus", "onStatus must be a function");
  }
}
function assertExpires(expiresMs) {
  if (expiresMs !== void 0) assertInteger(expiresMs, "expiresMs", 1e3);
}
function assertConsumeOptions(options) {
  assertPullOptions(options);
  assertOptionalInteger(options.concurrency, "concurrency", 1);
  assertNakDelay(options.nakDelayMs);
  if (options.autoAck !== void 0 && typeof options.autoAck !== "boolean") {
    throw new ValidationError("autoAck", "autoAck must be a boolean");
  }
  if (options.onError !== void 0 && typeof options.onError !== "function") {
    throw new ValidationError("onError", "onError must be a function");
  }
}

// ../nats-consumer/src/delivered-message.ts
var LazyDeliveredMessage = class {
  #raw;
  #info;
  constructor(raw) {
    this.#raw = raw;
  }
  get subject() {
    return this.#raw.subject;
  }
  get headers() {
    return this.#raw.headers;
  }
  get data() {
    return this.#raw.data;
  }
  get info() {
    if (this.#info === void 0) this.#info = toDeliveryInfo(this.#raw);
    return this.#info;
  }
};
function toDeliveryInfo(raw) {
  const i = raw.info;
  const timestampMs = Math.floor(i.timestampNanos / 1e6);
  return {
    stream: i.stream,
    consumer: i.consumer,
    streamSequence: i.streamSequence,
    deliverySequence: i.deliverySequence,
    deliveryCount: i.deliveryCount,
    pending: i.pending,
    timestampMs,
    timestamp: new Date(timestampMs),
  };
}

// ../nats-consumer/src/msg.ts
var decoder = new TextDecoder();
var TERM_REASON_MIN_VERSION = "2.10.0";
var HelixMsg = class {
  raw;
  delivered;
  #conn;
  #settled = false;
  constructor(conn, raw) {
    this.#conn = conn;
    this.raw = raw;
    this.delivered = new LazyDeliveredMessage(raw);
  }
  get subject() {
    return this.raw.subject;
  }
  get data() {
    return this.raw.data;
  }
  get headers() {
    return this.raw.headers;
  }
  get seq() {
    return this.delivered.info.streamSequence;
  }
  get info() {
    return this.delivered.info;
  }
  get settled() {
    return this.#settled;
  }
  json() {
    return JSON.parse(this.string());
  }
  string() {
    return decoder.decode(this.raw.data);
  }
  ack() {
    return this.#settle("ack", {}, () => this.raw.ack());
  }
  ackAck(options = {}) {
    const timeoutMs = options.timeoutMs;
    if (timeoutMs !== void 0 && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      return Promise.reject(
        new ValidationError("timeoutMs", "ackAck timeoutMs must be a positive number", {
          value: timeoutMs,
        }),
      );
    }
    return this.#settle("ack", {}, async () => {
      await this.raw.ackAck(timeoutMs === void 0 ? void 0 : { timeout: timeoutMs });
    });
  }
  nak(delayMs) {
    if (delayMs !== void 0 && !(Number.isFinite(delayMs) && delayMs >= 0)) {
      return Promise.reject(
        new ValidationError("delayMs", "nak delayMs must be a non-negative number", {
          value: delayMs,
        }),
      );
    }
    const delay = delayMs === void 0 ? void 0 : Math.floor(delayMs);
    return this.#settle("nak", delay === void 0 ? {} : { delayMs: delay }, () =>
      this.raw.nak(delay),
    );
  }
  term(reason) {
    if (reason !== void 0 && typeof reason !== "string") {
      return Promise.reject(
        new ValidationError("reason", "term reason must be a string", { value: reason }),
      );
    }
    const sendReason = versionAtLeast(this.#conn.nats.info?.version, TERM_REASON_MIN_VERSION);
    return this.#settle("term", reason === void 0 ? {} : { reason }, () =>
      this.raw.term(sendReason ? reason : void 0),
    );
  }
  working() {
    if (this.#settled) return Promise.resolve();
    return this.#run("working", {}, () => this.raw.working());
  }
  #settle(action, extra, send) {
    if (this.#settled) return Promise.resolve();
    this.#settled = true;
    return this.#run(action, extra, send);
  }
  #run(action, extra, send) {
    const op = {
      kind: "settle",
      client: this.#conn.client,
      action,
      message: this.delivered,
      ...extra,
    };
    return this.#conn.run(op, async () => {
      try {
        await send();
      } catch (err) {
        throw toHelixError(err, { operation: `settle.${action}` });
      }
    });
  }
};

// ../nats-consumer/src/pull-options.ts
var DEFAULT_MAX_MISSED_HEARTBEATS = 6;
function toClientConsumeOptions(options) {
  const out = {};
  if (options.maxMessages !== void 0) out.max_messages = options.maxMessages;
  if (options.maxBytes !== void 0) out.max_bytes = options.maxBytes;
  out.expires = options.expiresMs ?? 3e4;
  if (options.idleHeartbeatMs !== void 0) out.idle_heartbeat = options.idleHeartbeatMs;
  return out;
}

// ../nats-consumer/src/slots.ts
var Slots = class {
  size;
  #inUse = 0;
  #closed = false;
  #waiters = [];
  #idle = [];
  constructor(size) {
    this.size = size;
  }
  get inUse() {
    return this.#inUse;
  }
  /** Resolves `true` once a slot is held, or `false` (holding nothing) once closed. */
  acquire() {
    if (this.#closed) return Promise.resolve(false);
    if (this.#inUse < this.size) {
      this.#inUse++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  /** Gives a slot back, handing it to the next waiter. */
  release() {
    const next = this.#waiters.shift();
    if (next) {
      next(true);
      return;
    }
    this.#inUse--;
    if (this.#inUse === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }
  /** Refuses new holders; current waiters resolve `false`. Holders still release normally. */
  close() {
    this.#closed = true;
    for (const wake of this.#waiters.splice(0)) wake(false);
  }
  /** Resolves when no slot is held. */
  idle() {
    if (this.#inUse === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
};

// ../nats-consumer/src/status-problems.ts
async function statusProblem(status, handle, ctx, maxMissedHeartbeats) {
  if (status.type === "heartbeats_missed") {
    return { error: heartbeatError(status.count, ctx), ends: status.count >= maxMissedHeartbeats };
  }
  if (status.type === "no_responders") {
    const error = new JetStreamUnavailableError(
      `${ctx.operation}: no responders for consumer "${ctx.consumer}": JetStream is unavailable`,
    );
    return { error, ends: false };
  }
  const gone = terminalStatusError(status, ctx, handle.ordered);
  if (gone === void 0) return void 0;
  return { error: await refineGone(handle.conn, gone, ctx), ends: true };
}
function reportStatusProblem(conn, ctx, status, problem) {
  const op = {
    kind: "consumer.status",
    client: conn.client,
    stream: ctx.stream,
    consumer: ctx.consumer,
    status: status.type,
    error: problem.error,
    ends: problem.ends,
  };
  return conn
    .run(op, () => Promise.reject(problem.error))
    .then(
      () => {},
      () => {},
    );
}
function followStatus(messages, handle, ctx, options, onProblem, ignored = () => false) {
  const limit = options.maxMissedHeartbeats ?? DEFAULT_MAX_MISSED_HEARTBEATS;
  void (async () => {
    for await (const status of messages.status()) {
      try {
        options.onStatus?.(status);
      } catch {}
      if (ignored()) continue;
      const problem = await statusProblem(status, handle, ctx, limit);
      if (problem === void 0) continue;
      await reportStatusProblem(handle.conn, ctx, status, problem);
      onProblem(problem);
    }
  })().catch(() => {});
}

// ../nats-consumer/src/consume.ts
function startConsume(handle, handler, options) {
  if (typeof handler !== "function") {
    throw new ValidationError("handler", "consume needs a handler function");
  }
  assertConsumeOptions(options);
  return new ConsumeRun(handle, handler, options);
}
var ConsumeRun = class {
  closed;
  #handle;
  #handler;
  #options;
  #autoSettle;
  #slots;
  #abort = new AbortController();
  #handlerContext;
  #loop;
  #unregisterDrain;
  #messages;
  #stopping = false;
  #failure;
  constructor(handle, handler, options) {
    this.#handle = handle;
    this.#handler = handler;
    this.#options = options;
    this.#autoSettle = (options.autoAck ?? true) && !handle.ordered;
    this.#slots = new Slots(options.concurrency ?? 1);
    this.#handlerContext = { signal: this.#abort.signal };
    this.#unregisterDrain = handle.conn.onDrain(() => this.drain());
    this.#loop = this.#run();
    this.closed = this.#loop.then(() => {
      if (this.#failure) throw this.#failure;
    });
    this.closed.catch(() => {});
    const signal = options.signal;
    if (signal?.aborted) this.stop();
    else signal?.addEventListener("abort", this.#onAbort, { once: true });
  }
  #onAbort = () => this.stop();
  stop() {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#abort.abort();
    this.#messages?.stop();
    this.#slots.close();
  }
  async drain() {
    this.stop();
    await this.#loop;
  }
  get #context() {
    return { stream: this.#handle.stream, consumer: this.#handle.name, operation: "consume" };
  }
  async #run() {
    try {
      const messages = await this.#handle.raw.consume(toClientConsumeOptions(this.#options));
      this.#messages = messages;
      if (this.#stopping) messages.stop();
      followStatus(messages, this.#handle, this.#context, this.#options, (problem) => {
        if (problem.ends) this.#fail(problem.error);
        else this.#report(problem.error);
      });
      const iterator = messages[Symbol.asyncIterator]();
      for (;;) {
        const held = this.#stopping ? false : await this.#slots.acquire();
        const next = await iterator.next();
        if (next.done) {
          if (held) this.#slots.release();
          break;
        }
        if (this.#stopping) {
          if (held) this.#slots.release();
          continue;
        }
        void this.#dispatch(next.value);
      }
      const err = await messages.closed();
      if (err) this.#fail(toPullError(err, this.#context));
      else if (!this.#stopping) {
        const closed = closedUnderError(this.#handle.conn, this.#context);
        if (closed) this.#fail(closed);
      }
    } catch (err) {
      this.#fail(toPullError(err, this.#context));
    } finally {
      this.#stopping = true;
      this.#abort.abort();
      await this.#slots.idle();
      await boundedFlush(this.#handle.conn.nats, this.#handle.conn.jetstreamOptions.timeout);
      this.#unregisterDrain();
      this.#options.signal?.removeEventListener("abort", this.#onAbort);
    }
  }
  /**
   * Runs the handler inside the `process` operation and settles the message there too, so a
   * middleware that runs `next()` in an async context (a tracing span, say) sees the ack or nak
   * inside it.
   */
  async #dispatch(raw) {
    const msg = new HelixMsg(this.#handle.conn, raw);
    try {
      const op = {
        kind: "process",
        client: this.#handle.conn.client,
        stream: this.#handle.stream,
        consumer: this.#handle.name,
        message: msg.delivered,
        signal: this.#abort.signal,
      };
      let failed = false;
      try {
        await this.#handle.conn.run(op, () => this.#handleAndSettle(msg));
      } catch (err) {
        failed = true;
        this.#report(err instanceof Error ? err : new Error(String(err)), msg);
      }
      await this.#settleAutomatically(msg, failed);
    } finally {
      this.#slots.release();
    }
  }
  /** The handler, then the automatic ack (or nak when it throws; the error is rethrown). */
  async #handleAndSettle(msg) {
    try {
      await this.#handler(msg, this.#handlerContext);
    } catch (err) {
      await this.#settleAutomatically(msg, true);
      throw err;
    }
    await this.#settleAutomatically(msg, false);
  }
  /** Acks (or naks after a failure) unless settling is off or the message is settled already. */
  async #settleAutomatically(msg, failed) {
    if (!this.#autoSettle || msg.settled) return;
    const settle = failed ? msg.nak(this.#nakDelay(msg)) : msg.ack();
    await settle.catch((err) => this.#report(err, msg));
  }
  /** The nak delay for `msg`; a `nakDelayMs` function that throws is reported, then the default applies. */
  #nakDelay(msg) {
    const deliveryCount = msg.info.deliveryCount;
    try {
      return nakDelayFor(this.#options.nakDelayMs, deliveryCount);
    } catch (err) {
      this.#report(err instanceof Error ? err : new Error(String(err)), msg);
      return defaultNakDelay(deliveryCount);
    }
  }
  /** Ends the consume with `err` (the first failure wins), reporting it. */
  #fail(err) {
    if (this.#failure !== void 0 || this.#stopping) return;
    this.#failure = err;
    this.#report(err);
    this.stop();
  }
  #report(err, msg) {
    try {
      this.#options.onError?.(err, msg ? { msg } : {});
    } catch {}
  }
};
async function boundedFlush(nc, timeoutMs) {
  let timer;
  const expired = new Promise((resolve) => {
    timer = setTimeout(resolve, timeoutMs ?? 5e3);
  });
  try {
    await Promise.race([nc.flush().catch(() => {}), expired]);
  } finally {
    clearTimeout(timer);
  }
}

// ../nats-consumer/src/consumer-operation.ts
async function runConsumerOperation(conn, fields, signal, terminal) {
  throwIfAborted(signal, fields.kind);
  const op = {
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
        what: fields.consumer === void 0 ? "stream" : "consumer",
        resource: fields.consumer ?? fields.stream,
        operation: fields.kind,
      });
    }
  });
}

// ../nats-consumer/src/fetch-no-wait.ts
// ../nats-consumer/src/pulled-message.ts
import {
  createInbox,
  nanos,
} from "/work/main/node_modules/.pnpm/@nats-io+transport-node@3.4.0/node_modules/@nats-io/transport-node/index.js";

var encoder2 = new TextEncoder();
var ACK = encoder2.encode("+ACK");
var NAK = encoder2.encode("-NAK");
var WPI = encoder2.encode("+WPI");
var TERM = encoder2.encode("+TERM");
var PulledJsMsg = class {
  #msg;
  #nc;
  #ackTimeoutMs;
  #info;
  #didAck = false;
  constructor(nc, msg, ackTimeoutMs) {
    this.#nc = nc;
    this.#msg = msg;
    this.#ackTimeoutMs = ackTimeoutMs;
  }
  get subject() {
    return this.#msg.subject;
  }
  get sid() {
    return this.#msg.sid;
  }
  get data() {
    return this.#msg.data;
  }
  get headers() {
    return this.#msg.headers;
  }
  get info() {
    if (this.#info === void 0) this.#info = parseAckSubject(this.#msg.reply ?? "");
    return this.#info;
  }
  get redelivered() {
    return this.info.deliveryCount > 1;
  }
  get seq() {
    return this.info.streamSequence;
  }
  get time() {
    return new Date(Math.floor(this.info.timestampNanos / 1e6));
  }
  get timestamp() {
    return this.time.toISOString();
  }
  get timestampNanos() {
    const tokens = ackTokens(this.#msg.reply ?? "");
    return BigInt(tokens[9] ?? "0");
  }
  ack() {
    this.#respond(ACK);
  }
  nak(millis) {
    this.#respond(
      millis ? encoder2.encode(`-NAK ${JSON.stringify({ delay: nanos(millis) })}`) : NAK,
    );
  }
  working() {
    if (!this.#didAck) this.#msg.respond(WPI);
  }
  term(reason = "") {
    this.#respond(reason.length > 0 ? encoder2.encode(`+TERM ${reason}`) : TERM);
  }
  next(subj, opts = { batch: 1 }) {
    const args = {
      batch: opts.batch || 1,
      no_wait: opts.no_wait || false,
    };
    if (opts.expires && opts.expires > 0) args.expires = nanos(opts.expires);
    this.#msg.respond(
      encoder2.encode(`+NXT ${JSON.stringify(args)}`),
      subj ? { reply: subj } : void 0,
    );
  }
  async ackAck(opts) {
    if (this.#didAck || !this.#msg.reply) return false;
    this.#didAck = true;
    await this.#nc.request(this.#msg.reply, ACK, { timeout: opts?.timeout ?? this.#ackTimeoutMs });
    return true;
  }
  json() {
    return this.#msg.json();
  }
  string() {
    return this.#msg.string();
  }
  #respond(payload2) {
    if (this.#didAck) return;
    this.#didAck = true;
    this.#msg.respond(payload2);
  }
};
function ackTokens(reply) {
  const tokens = reply.split(".");
  if (tokens.length === 9) tokens.splice(2, 0, "_", "");
  if (tokens.length < 11 || tokens[0] !== "$JS" || tokens[1] !== "ACK") {
    throw new Error("unable to parse delivery info: not a JetStream message");
  }
  return tokens;
}
function parseAckSubject(reply) {
  const t = ackTokens(reply);
  const deliveryCount = Number.parseInt(t[6] ?? "", 10);
  return {
    domain: t[2] === "_" ? "" : (t[2] ?? ""),
    account_hash: t[3] ?? "",
    stream: t[4] ?? "",
    consumer: t[5] ?? "",
    deliveryCount,
    redelivered: deliveryCount > 1,
    streamSequence: Number.parseInt(t[7] ?? "", 10),
    deliverySequence: Number.parseInt(t[8] ?? "", 10),
    timestampNanos: Number.parseInt(t[9] ?? "", 10),
    pending: Number.parseInt(t[10] ?? "", 10),
  };
}

// ../nats-consumer/src/fetch-no-wait.ts
var DEFAULT_TIMEOUT_MS = 5e3;
function apiPrefix(options) {
  if (options.domain) return `$JS.${options.domain}.API`;
  const prefix2 = options.apiPrefix ?? "$JS.API";
  return prefix2.endsWith(".") ? prefix2.slice(0, -1) : prefix2;
}
function pullNoWait(conn, stream, consumer, batch, signal) {
  const nc = conn.nats;
  const timeoutMs = conn.jetstreamOptions.timeout ?? DEFAULT_TIMEOUT_MS;
  const inbox = createInbox(nc.options?.inboxPrefix);
  return new Promise((resolve, reject) => {
    const received = [];
    let done = false;
    const finish2 = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      sub.unsubscribe();
      if (err) reject(err);
      else resolve(received);
    };
    const onAbort = () => finish2(new CancelledError("fetchNoWait: cancelled"));
    const sub = nc.subscribe(inbox, {
      callback: (err, m) => {
        if (err) return finish2(err);
        const status = statusOf(m);
        if (status === 0) {
          received.push(new PulledJsMsg(nc, m, timeoutMs));
          if (received.length >= batch) finish2();
          return;
        }
        const failure = statusError(status, m, stream, consumer);
        finish2(failure);
      },
    });
    const timer = setTimeout(
      () => finish2(new TimeoutError("fetchNoWait: timed out waiting for the server")),
      timeoutMs,
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      nc.publish(
        `${apiPrefix(conn.jetstreamOptions)}.CONSUMER.MSG.NEXT.${stream}.${consumer}`,
        JSON.stringify({ batch, no_wait: true }),
        { reply: inbox },
      );
    } catch (err) {
      finish2(err);
    }
  });
}
function statusOf(m) {
  const h = m.headers;
  if (!h || m.data.length > 0) return 0;
  return Math.max(h.code, 0);
}
function statusError(code, m, stream, consumer) {
  const description = m.headers?.description ?? "";
  switch (code) {
    case 404:
    case 408:
      return void 0;
    case 503:
      return new JetStreamUnavailableError(
        `fetchNoWait: no responders for consumer "${consumer}" on stream "${stream}": it may have been deleted, or JetStream is unavailable`,
      );
    default:
      return new JetStreamApiError(`fetchNoWait: ${code} ${description}`.trim(), 0, {
        status: code,
      });
  }
}

// ../nats-consumer/src/fetch.ts
var MIN_EXPIRES_MS = 1e3;
async function runReceive(handle, mode, batch, signal, pull) {
  throwIfAborted(signal, mode);
  const op = {
    kind: "receive",
    client: handle.conn.client,
    mode,
    stream: handle.stream,
    consumer: handle.name,
    batch,
    ...(signal ? { signal } : {}),
  };
  return handle.conn.run(op, async () => {
    let raws;
    try {
      raws = await pull();
    } catch (err) {
      const ctx = { stream: handle.stream, consumer: handle.name, operation: mode };
      throw await explainTimeout(handle.conn, toPullError(err, ctx), ctx, handle.ordered);
    }
    const msgs = raws.map((raw) => new HelixMsg(handle.conn, raw));
    op.messages = msgs.map((m) => m.delivered);
    return msgs;
  });
}
async function collect(handle, options, signal) {
  const iter = await handle.raw.fetch(options);
  const onAbort = () => iter.stop();
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) iter.stop();
  const out = [];
  try {
    for await (const m of iter) out.push(m);
  } catch (err) {
    if (out.length === 0 || !/exceeds maxbytes/i.test(err?.message ?? "")) throw err;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  return out;
}
function fetchBatch(handle, mode, batch, options) {
  try {
    assertInteger(batch, mode === "fetch" ? "batch" : "maxBytes", 1);
    assertExpires(options.expiresMs);
  } catch (err) {
    return Promise.reject(err);
  }
  const expires = options.expiresMs ?? 3e4;
  return runReceive(handle, mode, batch, options.signal, () =>
    collect(
      handle,
      mode === "fetch" ? { max_messages: batch, expires } : { max_bytes: batch, expires },
      options.signal,
    ),
  );
}
function fetchNoWait(handle, batch, options) {
  try {
    assertInteger(batch, "batch", 1);
  } catch (err) {
    return Promise.reject(err);
  }
  return runReceive(handle, "fetchNoWait", batch, options.signal, async () => {
    if (!handle.ordered) {
      return pullNoWait(handle.conn, handle.stream, handle.name, batch, options.signal);
    }
    const info = await handle.raw.info(false);
    const available = Math.min(batch, info.num_pending);
    if (available === 0) return [];
    return collect(handle, { max_messages: available, expires: MIN_EXPIRES_MS }, options.signal);
  });
}

// ../nats-consumer/src/messages.ts
function startMessages(handle, options) {
  assertPullOptions(options);
  return new MessagesIterator(handle, options);
}
var MessagesIterator = class {
  closed;
  #handle;
  #options;
  #started;
  #stopped = false;
  #failure;
  #settleClosed;
  #unregisterDrain;
  constructor(handle, options) {
    this.#handle = handle;
    this.#options = options;
    this.closed = new Promise((resolve, reject) => {
      this.#settleClosed = (err) => (err ? reject(err) : resolve());
    });
    this.closed.catch(() => {});
  }
  get #context() {
    return { stream: this.#handle.stream, consumer: this.#handle.name, operation: "next" };
  }
  next() {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#stopped) return Promise.resolve(null);
    const op = {
      kind: "receive",
      client: this.#handle.conn.client,
      mode: "next",
      stream: this.#handle.stream,
      consumer: this.#handle.name,
      batch: 1,
    };
    return this.#handle.conn.run(op, async () => {
      const msg = await this.#read();
      op.messages = msg ? [msg.delivered] : [];
      return msg;
    });
  }
  stop() {
    if (this.#stopped) return;
    this.#stopped = true;
    if (!this.#started) {
      this.#settleClosed(this.#failure);
      return;
    }
    void this.#started
      .then(async ({ messages, iterator }) => {
        messages.stop();
        for (;;) {
          const r = await iterator.next();
          if (r.done) break;
        }
      })
      .catch(() => {})
      .finally(() => {
        this.#unregisterDrain?.();
        this.#settleClosed(this.#failure);
      });
  }
  async *[Symbol.asyncIterator]() {
    try {
      for (;;) {
        const msg = await this.next();
        if (msg === null) return;
        yield msg;
      }
    } finally {
      this.stop();
    }
  }
  async #read() {
    let started;
    try {
      started = await this.#start();
    } catch (err) {
      throw this.#end(toPullError(err, this.#context));
    }
    let r;
    try {
      r = await started.iterator.next();
    } catch (err) {
      throw this.#end(toPullError(err, this.#context));
    }
    if (r.done) {
      if (this.#failure) throw this.#failure;
      const err = await started.messages.closed();
      if (!this.#stopped) {
        const failure = err
          ? toPullError(err, this.#context)
          : closedUnderError(this.#handle.conn, this.#context);
        if (failure) throw this.#end(failure);
      }
      this.stop();
      return null;
    }
    if (this.#stopped) return null;
    return new HelixMsg(this.#handle.conn, r.value);
  }
  #start() {
    if (!this.#started) {
      this.#unregisterDrain = this.#handle.conn.onDrain(() => {
        this.stop();
        return this.closed.catch(() => {});
      });
      this.#started = this.#handle.raw
        .consume(toClientConsumeOptions(this.#options))
        .then((messages) => {
          followStatus(
            messages,
            this.#handle,
            this.#context,
            this.#options,
            (problem) => {
              if (!problem.ends || this.#stopped) return;
              this.#end(problem.error);
              messages.stop();
            },
            () => this.#stopped,
          );
          return { messages, iterator: messages[Symbol.asyncIterator]() };
        });
    }
    return this.#started;
  }
  /** Records the failure that ends the iterator and stops it. */
  #end(err) {
    if (!this.#failure) this.#failure = err;
    this.stop();
    return this.#failure;
  }
};

// ../nats-consumer/src/consumer-handle.ts
var ConsumerHandle = class {
  stream;
  config;
  ordered;
  raw;
  conn;
  #initialName;
  constructor(conn, raw, info, ordered) {
    this.conn = conn;
    this.raw = raw;
    this.stream = info.stream_name;
    this.#initialName = info.name;
    this.config = Object.freeze({ ...info.config });
    this.ordered = ordered;
  }
  get name() {
    const current = this.raw.name;
    return typeof current === "string" && current !== "" ? current : this.#initialName;
  }
  info(options = {}) {
    return runConsumerOperation(
      this.conn,
      { kind: "consumer.get", stream: this.stream, consumer: this.name, ordered: this.ordered },
      options.signal,
      () => this.raw.info(false),
    );
  }
  fetch(batch, options = {}) {
    return fetchBatch(this, "fetch", batch, options);
  }
  fetchBytes(maxBytes, options = {}) {
    return fetchBatch(this, "fetchBytes", maxBytes, options);
  }
  fetchNoWait(batch, options = {}) {
    return fetchNoWait(this, batch, options);
  }
  consume(handler, options = {}) {
    return startConsume(this, handler, options);
  }
  messages(options = {}) {
    return startMessages(this, options);
  }
};

// ../nats-consumer/src/consumer-manager.ts
function createConsumerManager(conn) {
  if (!isConnection(conn)) {
    throw new ValidationError("conn", "createConsumerManager needs a Connection from connect()");
  }
  return new HelixConsumerManager(conn);
}
var HelixConsumerManager = class {
  #conn;
  constructor(conn) {
    this.#conn = conn;
  }
  async get(stream, name, options = {}) {
    assertStreamName(stream);
    assertConsumerName(name);
    return runConsumerOperation(
      this.#conn,
      { kind: "consumer.get", stream, consumer: name },
      options.signal,
      async () => {
        const raw = await this.#conn.jetstream.consumers.get(stream, name);
        return new ConsumerHandle(this.#conn, raw, await raw.info(true), false);
      },
    );
  }
  async createOrUpdate(stream, config, options = {}) {
    assertStreamName(stream);
    assertConsumerConfig(config, this.#conn.nats.info?.version);
    const wire = normalizeConsumerConfig(config);
    const name = wire.durable_name ?? wire.name;
    return runConsumerOperation(
      this.#conn,
      { kind: "consumer.create", stream, consumer: name },
      options.signal,
      async (jsm, op) => {
        const info = await createOrUpdate(jsm, stream, name, wire);
        op.consumer = info.name;
        return this.#handle(info);
      },
    );
  }
  async ordered(stream, config = {}, options = {}) {
    assertStreamName(stream);
    assertOrderedConfig(config, this.#conn.nats.info?.version);
    const opts = normalizeOrderedConfig(config);
    return runConsumerOperation(
      this.#conn,
      { kind: "consumer.ordered", stream, consumer: void 0, ordered: true },
      options.signal,
      async (_jsm, op) => {
        const raw = await this.#conn.jetstream.consumers.get(stream, opts);
        const info = await raw.info(true);
        op.consumer = info.name;
        return new ConsumerHandle(this.#conn, raw, info, true);
      },
    );
  }
  async delete(stream, name, options = {}) {
    assertStreamName(stream);
    assertConsumerName(name);
    await runConsumerOperation(
      this.#conn,
      { kind: "consumer.delete", stream, consumer: name },
      options.signal,
      (jsm) => jsm.consumers.delete(stream, name),
    );
  }
  async list(stream, options = {}) {
    assertStreamName(stream);
    return runConsumerOperation(
      this.#conn,
      { kind: "consumer.list", stream, consumer: void 0 },
      options.signal,
      async (jsm) => {
        const out = [];
        for await (const info of jsm.consumers.list(stream)) {
          if (typeof info.config.deliver_subject === "string") continue;
          out.push(this.#handle(info));
        }
        return out;
      },
    );
  }
  forStream(stream) {
    assertStreamName(stream);
    return {
      stream,
      get: (name, options) => this.get(stream, name, options),
      createOrUpdate: (config, options) => this.createOrUpdate(stream, config, options),
      ordered: (config, options) => this.ordered(stream, config, options),
      delete: (name, options) => this.delete(stream, name, options),
      list: (options) => this.list(stream, options),
    };
  }
  /** A handle from consumer info, without another round trip to the server. */
  #handle(info) {
    const consumers = this.#conn.jetstream.consumers;
    if (typeof consumers.getConsumerFromInfo !== "function") {
      throw new ValidationError(
        "client",
        "this @nats-io/jetstream version lacks getConsumerFromInfo",
      );
    }
    return new ConsumerHandle(this.#conn, consumers.getConsumerFromInfo(info), info, false);
  }
};
async function createOrUpdate(jsm, stream, name, config) {
  if (name === void 0) return jsm.consumers.add(stream, config);
  const existing = await jsm.consumers.info(stream, name).catch((err) => {
    if (isConsumerNotFound(err)) return void 0;
    throw err;
  });
  if (existing === void 0) return jsm.consumers.add(stream, config);
  const { durable_name: _durable, name: _name, ...changes } = config;
  return jsm.consumers.update(stream, name, changes);
}
function isConsumerNotFound(err) {
  const e = toHelixError(err);
  return e.code === "NOT_FOUND" && e.what === "consumer";
}

// ../nats-stream/src/publish-message.ts
import { PubHeaders } from "/work/main/node_modules/.pnpm/@nats-io+jetstream@3.4.0/node_modules/@nats-io/jetstream/lib/mod.js";
import { nuid } from "/work/main/node_modules/.pnpm/@nats-io+transport-node@3.4.0/node_modules/@nats-io/transport-node/index.js";

// ../nats-stream/src/payload.ts
var EMPTY = { bytes: new Uint8Array(0), json: false };
function encodeData(data) {
  return data === void 0 ? EMPTY : encodePayload(data, "data");
}
function assertPayloadSize(bytes, maxPayload, headers) {
  if (maxPayload === void 0 || maxPayload <= 0) return;
  if (bytes.length > maxPayload) {
    throw new ValidationError(
      "data",
      `payload is ${bytes.length} bytes; the server's max_payload is ${maxPayload} bytes`,
      { value: bytes.length },
    );
  }
  const headerBytes = headers === void 0 ? 0 : encodedHeadersLength(headers);
  if (bytes.length + headerBytes > maxPayload) {
    throw new ValidationError(
      "data",
      `payload is ${bytes.length} bytes plus ${headerBytes} bytes of headers; the server's max_payload is ${maxPayload} bytes`,
      { value: bytes.length + headerBytes },
    );
  }
}
function encodedHeadersLength(headers) {
  let length = 0;
  for (const [key, values] of headers) {
    for (const value of values) length += 4 + utf8Length(key) + utf8Length(value);
  }
  return length === 0 ? 0 : length + 12;
}
function utf8Length(text) {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 128) continue;
    if (code < 2048) {
      length += 1;
      continue;
    }
    length += 2;
    if (code >= 55296 && code <= 56319) {
      const next = text.charCodeAt(i + 1);
      if (next >= 56320 && next <= 57343) i++;
    }
  }
  return length;
}

// ../nats-stream/src/publish-validation.ts
var DEFAULT_MAX_PENDING = 4e3;
var DEFAULT_RETRY = { attempts: 4, initialDelayMs: 250, maxDelayMs: 2e3 };
function resolvePublisherOptions(options = {}) {
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  assertPositiveInteger(maxPending, "maxPending");
  if (options.timeoutMs !== void 0) assertPositiveInteger(options.timeoutMs, "timeoutMs");
  const retry = options.retry === false ? { attempts: 1 } : (options.retry ?? {});
  const attempts = retry.attempts ?? DEFAULT_RETRY.attempts;
  const initialDelayMs = retry.initialDelayMs ?? DEFAULT_RETRY.initialDelayMs;
  const maxDelayMs = retry.maxDelayMs ?? Math.max(DEFAULT_RETRY.maxDelayMs, initialDelayMs);
  assertPositiveInteger(attempts, "retry.attempts");
  assertNonNegativeInteger(initialDelayMs, "retry.initialDelayMs");
  assertNonNegativeInteger(maxDelayMs, "retry.maxDelayMs");
  if (maxDelayMs < initialDelayMs) {
    throw new ValidationError(
      "retry.maxDelayMs",
      `retry.maxDelayMs (${maxDelayMs}) must not be below retry.initialDelayMs (${initialDelayMs})`,
      { value: maxDelayMs },
    );
  }
  const onRetry = "onRetry" in retry ? retry.onRetry : void 0;
  if (onRetry !== void 0 && typeof onRetry !== "function") {
    throw new ValidationError("retry.onRetry", "retry.onRetry must be a function");
  }
  return {
    maxPending,
    retry: { attempts, initialDelayMs, maxDelayMs, onRetry },
    timeoutMs: options.timeoutMs,
  };
}
function assertPublishArguments(subject, options) {
  assertSubject(subject, "publish");
  if (options.msgID !== void 0 && (typeof options.msgID !== "string" || options.msgID === "")) {
    throw new ValidationError("msgID", "msgID must be a non-empty string", {
      value: options.msgID,
    });
  }
  if (options.timeoutMs !== void 0) assertPositiveInteger(options.timeoutMs, "timeoutMs");
  const expect = options.expect;
  if (expect === void 0) return;
  if (expect.stream !== void 0) assertStreamName(expect.stream);
  if (expect.lastSequence !== void 0)
    assertNonNegativeInteger(expect.lastSequence, "expect.lastSequence");
  if (expect.lastSubjectSequence !== void 0)
    assertNonNegativeInteger(expect.lastSubjectSequence, "expect.lastSubjectSequence");
  if (
    expect.lastMsgID !== void 0 &&
    (typeof expect.lastMsgID !== "string" || expect.lastMsgID === "")
  ) {
    throw new ValidationError("expect.lastMsgID", "expect.lastMsgID must be a non-empty string", {
      value: expect.lastMsgID,
    });
  }
}
function assertPositiveInteger(value, field) {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(field, `${field} must be a positive integer, got ${String(value)}`, {
      value,
    });
  }
}
function assertNonNegativeInteger(value, field) {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(
      field,
      `${field} must be a non-negative integer, got ${String(value)}`,
      { value },
    );
  }
}

// ../nats-stream/src/publish-message.ts
function prepareMessage(subject, data, options, settings) {
  assertPublishArguments(subject, options);
  const { bytes, json } = encodeData(data);
  const headers = copyCallerHeaders(options.headers);
  if (json) setHeaderIfAbsent(headers, "Content-Type", "application/json");
  const msgID =
    options.msgID ??
    getHeader(headers, PubHeaders.MsgIdHdr) ??
    (settings.generateMsgID ? nuid.next() : void 0);
  if (msgID !== void 0) setHeader(headers, PubHeaders.MsgIdHdr, msgID);
  const expect = options.expect;
  if (expect?.stream !== void 0) setHeader(headers, PubHeaders.ExpectedStreamHdr, expect.stream);
  if (expect?.lastSequence !== void 0)
    setHeader(headers, PubHeaders.ExpectedLastSeqHdr, String(expect.lastSequence));
  if (expect?.lastSubjectSequence !== void 0) {
    setHeader(
      headers,
      PubHeaders.ExpectedLastSubjectSequenceHdr,
      String(expect.lastSubjectSequence),
    );
  }
  if (expect?.lastMsgID !== void 0)
    setHeader(headers, PubHeaders.ExpectedLastMsgIdHdr, expect.lastMsgID);
  assertPayloadSize(bytes, settings.maxPayload, headers);
  return { subject, payload: bytes, headers, msgID };
}
function copyCallerHeaders(init) {
  if (init !== void 0 && (typeof init !== "object" || init === null)) {
    throw new ValidationError("headers", "headers must be a MsgHdrs or a record of strings", {
      value: init,
    });
  }
  let headers;
  try {
    headers = copyHeaders(init);
  } catch (err) {
    throw new ValidationError("headers", `headers: ${err.message}`, { cause: err });
  }
  if (headers.has("")) {
    throw new ValidationError("headers", "headers: a header name must not be empty");
  }
  return headers;
}

// ../nats-stream/src/backoff.ts
function retryDelay(retry, settings, random = Math.random) {
  const exponential = settings.initialDelayMs * 2 ** Math.max(0, retry - 1);
  const capped = Math.min(settings.maxDelayMs, exponential);
  return Math.round(capped / 2 + (capped / 2) * random());
}

// ../nats-stream/src/publish-send.ts
async function sendWithRetries(op, ctx) {
  const { conn, retry, signal } = ctx;
  for (let attempt = 1; ; attempt++) {
    op.attempt = attempt;
    throwIfAborted(signal, "publish");
    let error;
    try {
      const sending = conn.jetstream.publish(op.subject, op.payload, {
        headers: op.headers,
        timeout: ctx.timeoutMs,
      });
      if (attempt === 1) ctx.onSent?.();
      const raw = await abortable(sending, signal, "publish");
      const ack = {
        stream: raw.stream,
        seq: raw.seq,
        duplicate: raw.duplicate === true,
        ...(raw.domain ? { domain: raw.domain } : {}),
      };
      op.ack = ack;
      return ack;
    } catch (err) {
      error = toHelixError(err, { operation: "publish", what: "stream" });
    }
    if (!isRetryable(error)) throw error;
    if (error.code === "JETSTREAM_UNAVAILABLE" && (await ctx.streamExists(op.subject)) === false) {
      throw new NotFoundError("stream", op.subject, { cause: error });
    }
    if (attempt >= retry.attempts) throw error;
    try {
      retry.onRetry?.(error, attempt);
    } catch {}
    await sleep(retryDelay(attempt, retry), signal, "publish");
  }
}
var StreamLookup = class {
  #conn;
  #inFlight = /* @__PURE__ */ new Map();
  constructor(conn) {
    this.#conn = conn;
  }
  exists(subject) {
    let lookup = this.#inFlight.get(subject);
    if (lookup === void 0) {
      lookup = this.#find(subject).finally(() => this.#inFlight.delete(subject));
      this.#inFlight.set(subject, lookup);
    }
    return lookup;
  }
  async #find(subject) {
    try {
      const jsm = await this.#conn.manager();
      await jsm.streams.find(subject);
      return true;
    } catch (err) {
      const e = toHelixError(err);
      return e.code === "NOT_FOUND" ? false : void 0;
    }
  }
};

// ../nats-stream/src/publish-window.ts
var PublishWindow = class {
  size;
  #inUse = 0;
  #waiters = [];
  #head = 0;
  #idle = [];
  constructor(size) {
    this.size = size;
  }
  /** Slots in use. */
  get inUse() {
    return this.#inUse;
  }
  /** Takes a slot, waiting while none is free; rejects with `CancelledError` when `signal` aborts. */
  acquire(signal) {
    if (signal?.aborted) {
      return Promise.reject(
        new CancelledError("publishAsync: cancelled while waiting for the window"),
      );
    }
    if (this.#inUse < this.size && this.#queued() === 0) {
      this.#inUse++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = { grant: resolve, cancelled: false };
      if (signal) {
        const onAbort = () => {
          waiter.cancelled = true;
          reject(
            new CancelledError("publishAsync: cancelled while waiting for the window", {
              cause: signal.reason,
            }),
          );
        };
        signal.addEventListener("abort", onAbort, { once: true });
        waiter.grant = () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        };
      }
      this.#waiters.push(waiter);
    });
  }
  /** Gives a slot back: to the oldest live waiter, else to the pool. */
  release() {
    while (this.#head < this.#waiters.length) {
      const next = this.#waiters[this.#head];
      this.#head++;
      this.#compact();
      if (!next.cancelled) {
        next.grant();
        return;
      }
    }
    this.#inUse--;
    if (this.#inUse === 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const resolve of idle) resolve();
    }
  }
  /** Resolves once no slot is in use. */
  whenIdle() {
    if (this.#inUse === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
  #queued() {
    return this.#waiters.length - this.#head;
  }
  #compact() {
    if (this.#head === this.#waiters.length) {
      this.#waiters = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
      this.#waiters = this.#waiters.slice(this.#head);
      this.#head = 0;
    }
  }
};

// ../nats-stream/src/publisher.ts
function createPublisher(conn, options = {}) {
  if (!isConnection(conn)) {
    throw new ValidationError("conn", "createPublisher needs a Connection from connect()");
  }
  return new HelixPublisher(conn, resolvePublisherOptions(options));
}
var HelixPublisher = class {
  maxPending;
  #conn;
  #settings;
  #window;
  /** Whether a stream listens on a subject; one closure for every publish. */
  #streamExists;
  #inFlight = 0;
  #unregisterDrain;
  #drainWaiters = [];
  #acked = 0;
  #failed = 0;
  #firstError;
  constructor(conn, settings) {
    this.#conn = conn;
    this.#settings = settings;
    this.maxPending = settings.maxPending;
    this.#window = new PublishWindow(settings.maxPending);
    const lookup = new StreamLookup(conn);
    this.#streamExists = (subject) => lookup.exists(subject);
  }
  get pending() {
    return this.#window.inUse;
  }
  async publish(subject, data, options = {}) {
    const message2 = this.#prepare(subject, data, options);
    throwIfAborted(options.signal, "publish");
    const op = this.#operation(message2, options, false);
    this.#begin();
    try {
      return await this.#conn.run(op, () => sendWithRetries(op, this.#context(options)));
    } catch (err) {
      throw toHelixError(err, { operation: "publish" });
    } finally {
      this.#end();
    }
  }
  async publishAsync(subject, data, options = {}) {
    const message2 = this.#prepare(subject, data, options);
    throwIfAborted(options.signal, "publishAsync");
    await this.#window.acquire(options.signal);
    this.#begin();
    const op = this.#operation(message2, options, true);
    let sent = false;
    let wake = noop2;
    const ready = new Promise((resolve) => {
      wake = resolve;
    });
    const onSent = () => {
      sent = true;
      wake();
    };
    const ack = this.#conn
      .run(op, () => sendWithRetries(op, this.#context(options, onSent)))
      .then(
        (value) => {
          this.#settle(void 0, sent);
          wake();
          return value;
        },
        (err) => {
          const error = toHelixError(err, { operation: "publishAsync" });
          this.#settle(error, sent);
          wake();
          throw error;
        },
      );
    ack.catch(noop2);
    await ready;
    if (!sent) await ack;
    return { subject: op.subject, msgID: op.msgID, ack };
  }
  async complete() {
    await this.#window.whenIdle();
    const result = { acked: this.#acked, failed: this.#failed, firstError: this.#firstError };
    this.#acked = 0;
    this.#failed = 0;
    this.#firstError = void 0;
    return result;
  }
  #prepare(subject, data, options) {
    return prepareMessage(subject, data, options ?? {}, {
      maxPayload: this.#conn.nats.info?.max_payload,
      generateMsgID: this.#settings.retry.attempts > 1,
    });
  }
  #operation(message2, options, async) {
    return {
      kind: "publish",
      client: this.#conn.client,
      signal: options.signal,
      subject: message2.subject,
      headers: message2.headers,
      payload: message2.payload,
      msgID: message2.msgID,
      async,
      attempt: 1,
    };
  }
  #context(options, onSent) {
    return {
      conn: this.#conn,
      retry: this.#settings.retry,
      timeoutMs: options.timeoutMs ?? this.#settings.timeoutMs,
      signal: options.signal,
      streamExists: this.#streamExists,
      onSent,
    };
  }
  #settle(error, sent) {
    this.#window.release();
    this.#end();
    if (error === void 0) this.#acked++;
    else if (sent) {
      this.#failed++;
      this.#firstError ??= error;
    }
  }
  /** In-flight work (sync and async) is registered with the connection's drain only while some exists. */
  #begin() {
    this.#inFlight++;
    if (this.#inFlight === 1) {
      this.#unregisterDrain = this.#conn.onDrain(() => this.#whenNothingInFlight());
    }
  }
  #end() {
    this.#inFlight--;
    if (this.#inFlight > 0) return;
    this.#unregisterDrain?.();
    this.#unregisterDrain = void 0;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
  #whenNothingInFlight() {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }
};
function noop2() {}

// ../nats-testing/src/binary.ts
import { accessSync as accessSync2, constants as constants2, statSync as statSync2 } from "node:fs";
import { delimiter, join } from "node:path";

// ../nats-testing/src/errors.ts
var BRAND2 = /* @__PURE__ */ Symbol.for("@helix/nats-testing.error");
var NatsTestingError = class extends Error {
  /** Stable code of the failure. */
  code;
  /** The last lines the server logged (stdout and stderr), when known. */
  logTail;
  constructor(message2, code, options = {}) {
    const full = options.logTail
      ? `${message2}
--- nats-server log (tail) ---
${options.logTail}`
      : message2;
    super(full, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = "NatsTestingError";
    this.code = code;
    this.logTail = options.logTail;
    Object.defineProperty(this, BRAND2, { value: true });
  }
};

// ../nats-testing/src/binary.ts
var FALLBACK_BINARY_DIRS = ["/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/opt/homebrew/bin"];
var INSTALL_HINT =
  "Install nats-server (Debian/Ubuntu: `apt-get install -y nats-server`; elsewhere download it from https://github.com/nats-io/nats-server/releases), put it on PATH or point NATS_SERVER_BIN at it, or start Docker so @testcontainers/nats can run one.";
function isExecutableFile(path) {
  try {
    if (!statSync2(path).isFile()) return false;
    accessSync2(path, constants2.X_OK);
    return true;
  } catch {
    return false;
  }
}
function findNatsServerBinary(env = process.env, fallbackDirs = FALLBACK_BINARY_DIRS) {
  const explicit = env.NATS_SERVER_BIN;
  if (explicit) {
    if (isExecutableFile(explicit)) return explicit;
    throw new NatsTestingError(
      `NATS_SERVER_BIN is set to "${explicit}", which is not an executable file. ${INSTALL_HINT}`,
      "SERVER_NOT_FOUND",
    );
  }
  const names = process.platform === "win32" ? ["nats-server.exe"] : ["nats-server"];
  const pathDirs = (env.PATH ?? "").split(delimiter).filter((dir) => dir.length > 0);
  for (const dir of [...pathDirs, ...fallbackDirs]) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return void 0;
}

// ../nats-testing/src/backend.ts
import { execFile } from "node:child_process";

function dockerAvailable(timeoutMs = 5e3) {
  return new Promise((resolve) => {
    execFile("docker", ["info"], { timeout: timeoutMs }, (error) => resolve(error === null));
  });
}
async function resolveBackend(probes = {}) {
  const env = probes.env ?? process.env;
  const bin = (probes.findBinary ?? findNatsServerBinary)(env);
  if (bin !== void 0) return { kind: "binary", bin };
  if (await (probes.dockerAvailable ?? dockerAvailable)()) return { kind: "container" };
  throw new NatsTestingError(
    `No nats-server binary found (NATS_SERVER_BIN unset, none on PATH) and Docker is not running. ${INSTALL_HINT}`,
    "SERVER_NOT_FOUND",
  );
}

// ../nats-testing/src/readiness.ts
import { request } from "node:http";
import { connect as connectTcp } from "node:net";
import { setTimeout as sleep2 } from "node:timers/promises";

async function pollUntil(what, probe, options) {
  const deadline = Date.now() + options.timeoutMs;
  let lastError;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw aborted;
    try {
      const result = await probe();
      if (result !== void 0) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${reason}`);
    }
    await sleep2(options.intervalMs ?? 25);
  }
}
function readInfoLine(host, port, timeoutMs = 2e3) {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host, port });
    let buffer = "";
    const fail = (error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no INFO from ${host}:${port}`)));
    socket.on("error", fail);
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      const end = buffer.indexOf("\r\n");
      if (end < 0) return;
      socket.destroy();
      const line = buffer.slice(0, end);
      if (!line.startsWith("INFO ")) {
        reject(new Error(`unexpected greeting from ${host}:${port}: ${line.slice(0, 80)}`));
        return;
      }
      try {
        resolve(JSON.parse(line.slice(5)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
function getJson(url, timeoutMs = 2e3) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: "close" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("error", reject);
      res.on("end", () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : void 0 });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
    req.end();
  });
}
async function checkHealthz(monitorUrl) {
  const { status, body } = await getJson(`${monitorUrl}/healthz`);
  if (status === 200) return true;
  const reason = body?.error;
  throw new Error(`/healthz answered ${status}${typeof reason === "string" ? `: ${reason}` : ""}`);
}

// ../nats-testing/src/ports.ts
import { readdir, readFile } from "node:fs/promises";
import { join as join2 } from "node:path";

function portOf(url) {
  if (typeof url !== "string") return void 0;
  try {
    const port = Number(new URL(url).port);
    return Number.isInteger(port) && port > 0 ? port : void 0;
  } catch {
    return void 0;
  }
}
function parsePortsFile(text) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return void 0;
  }
  if (typeof parsed !== "object" || parsed === null) return void 0;
  const { nats, monitoring } = parsed;
  const client2 = Array.isArray(nats) ? portOf(nats[0]) : void 0;
  if (client2 === void 0) return void 0;
  return {
    client: client2,
    monitoring: Array.isArray(monitoring) ? portOf(monitoring[0]) : void 0,
  };
}
function isPortsFileOf(fileName, pid) {
  return fileName.endsWith(`_${pid}.ports`);
}
async function readPortsFile(dir, pid) {
  const names = await readdir(dir).catch(() => []);
  const name = names.find((candidate) => isPortsFileOf(candidate, pid));
  if (name === void 0) return void 0;
  const text = await readFile(join2(dir, name), "utf8").catch(() => "");
  return parsePortsFile(text);
}

// ../nats-testing/src/process-server.ts
import { join as join4 } from "node:path";

// ../nats-testing/src/args.ts
function validateAuth(spec) {
  const hasUser = spec.user !== void 0 || spec.pass !== void 0;
  if (hasUser && (!spec.user || !spec.pass)) {
    throw new TypeError("nats-testing: `user` and `pass` must be set together and not be empty");
  }
  if (hasUser && spec.token !== void 0) {
    throw new TypeError("nats-testing: `token` cannot be combined with `user`/`pass`");
  }
  if (spec.token !== void 0 && spec.token.length === 0) {
    throw new TypeError("nats-testing: `token` must not be empty");
  }
}
function buildServerArgs(spec) {
  validateAuth(spec);
  const args = [
    "-a",
    spec.host,
    "-p",
    String(spec.port),
    "-m",
    String(spec.monitorPort),
    "--ports_file_dir",
    spec.portsFileDir,
    "--server_name",
    spec.serverName,
  ];
  if (spec.jetstream) args.push("-js", "--store_dir", spec.storeDir);
  if (spec.user !== void 0 && spec.pass !== void 0) {
    args.push("--user", spec.user, "--pass", spec.pass);
  }
  if (spec.token !== void 0) args.push("--auth", spec.token);
  if (spec.tls) {
    args.push(spec.tls.verify ? "--tlsverify" : "--tls");
    args.push("--tlscert", spec.tls.certFile, "--tlskey", spec.tls.keyFile);
    if (spec.tls.caFile) args.push("--tlscacert", spec.tls.caFile);
  }
  if (spec.cluster) {
    const { name, port, routePorts } = spec.cluster;
    args.push("--cluster_name", name, "--cluster", `nats://${spec.host}:${port}`);
    if (routePorts.length > 0) {
      args.push("--routes", routePorts.map((p) => `nats://${spec.host}:${p}`).join(","));
    }
  }
  args.push(...(spec.extraArgs ?? []));
  return args;
}

// ../nats-testing/src/process-registry.ts
var REGISTRY_KEY = /* @__PURE__ */ Symbol.for("@helix/nats-testing.servers");
var HOOK_KEY = /* @__PURE__ */ Symbol.for("@helix/nats-testing.exit-hook");
function killAll(registry) {
  for (const resource of registry) {
    try {
      resource.killSync();
    } catch {}
  }
  registry.clear();
}
function liveServers() {
  const global = globalThis;
  let registry = global[REGISTRY_KEY];
  if (registry === void 0) {
    registry = /* @__PURE__ */ new Set();
    global[REGISTRY_KEY] = registry;
  }
  if (global[HOOK_KEY] !== true) {
    global[HOOK_KEY] = true;
    const set = registry;
    process.on("exit", () => killAll(set));
  }
  return registry;
}
function track(resource) {
  const registry = liveServers();
  registry.add(resource);
  return () => {
    registry.delete(resource);
  };
}

// ../nats-testing/src/server-process.ts
import { spawn } from "node:child_process";

function describeExit(info) {
  return info.signal ? `signal ${info.signal}` : `exit code ${info.code}`;
}
var HEAD_LINES = 10;
function createLogBuffer(keep) {
  const head = [];
  const tail = [];
  let omitted = 0;
  return {
    push(line) {
      if (head.length < HEAD_LINES) {
        head.push(line);
        return;
      }
      tail.push(line);
      if (tail.length > keep) {
        tail.shift();
        omitted++;
      }
    },
    text() {
      const gap = omitted > 0 ? [`\u2026 ${omitted} lines omitted \u2026`] : [];
      return [...head, ...gap, ...tail].join("\n");
    },
  };
}
function collectLines(stream, onLine) {
  if (!stream) return;
  let partial = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  stream.on("end", () => {
    if (partial) onLine(partial);
  });
  stream.unref?.();
}
function waitForSpawn(child, bin) {
  return new Promise((resolve, reject) => {
    child.once("error", (error) =>
      reject(
        new NatsTestingError(`could not spawn ${bin}: ${error.message}`, "START_FAILED", {
          cause: error,
        }),
      ),
    );
    child.once("spawn", () => {
      if (child.pid === void 0) reject(new NatsTestingError(`${bin} has no pid`, "START_FAILED"));
      else resolve(child.pid);
    });
  });
}
async function spawnServerProcess(bin, args, options) {
  const log = createLogBuffer(options.keepLines ?? 40);
  const onLine = (line) => {
    log.push(line);
    if (options.debug)
      process.stderr.write(`[${options.label}] ${line}
`);
  };
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let exit;
  const exited = new Promise((resolve) => {
    child.once("close", (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  collectLines(child.stdout, onLine);
  collectLines(child.stderr, onLine);
  const pid = await waitForSpawn(child, bin);
  child.unref();
  return {
    pid,
    exited,
    exitInfo: () => exit,
    logTail: () => log.text(),
    signal: (signal) => {
      if (exit) return false;
      try {
        return child.kill(signal);
      } catch {
        return false;
      }
    },
    waitForExit: async (timeoutMs) => {
      if (exit) return exit;
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve(void 0), timeoutMs);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

// ../nats-testing/src/temp-dir.ts
import { mkdtempSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join3 } from "node:path";

function makeTempDir(prefix2 = "helix-nats-") {
  return mkdtempSync(join3(tmpdir(), prefix2));
}
async function removeDir(dir) {
  await rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
}
function removeDirSync(dir) {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {}
}

// ../nats-testing/src/process-server.ts
var HOST = "127.0.0.1";
var STOP_GRACE_MS = 5e3;
var KILL_WAIT_MS = 1e4;
var ProcessServer = class _ProcessServer {
  mode = "process";
  host = HOST;
  #spec;
  #untrack;
  #process;
  #port = -1;
  #monitorPort = -1;
  #version = "";
  #paused = false;
  #stopping;
  constructor(spec) {
    this.#spec = spec;
    this.#untrack = track({ killSync: () => this.#killSync() });
  }
  /** Spawns the server and resolves once it is ready; cleans everything up if it is not. */
  static async start(spec) {
    const server = new _ProcessServer(spec);
    try {
      await server.#launch(spec.port, -1);
      return server;
    } catch (error) {
      await server.stop().catch(() => void 0);
      throw error;
    }
  }
  get name() {
    return this.#spec.name;
  }
  get port() {
    return this.#port;
  }
  get url() {
    return `nats://${HOST}:${this.#port}`;
  }
  get urlWithCredentials() {
    const { user, pass } = this.#spec.args;
    if (user === void 0 || pass === void 0) return void 0;
    return `nats://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@${HOST}:${this.#port}`;
  }
  get monitorUrl() {
    return `http://${HOST}:${this.#monitorPort}`;
  }
  get storeDir() {
    return join4(this.#spec.tempRoot, "store");
  }
  get pid() {
    return this.#running()?.pid;
  }
  get version() {
    return this.#version;
  }
  get paused() {
    return this.#paused;
  }
  /** Whether the process is currently alive (not killed, stopped or crashed). */
  get running() {
    return this.#running() !== void 0;
  }
  #running() {
    const proc = this.#process;
    return proc && proc.exitInfo() === void 0 ? proc : void 0;
  }
  #assertUsable(operation) {
    if (this.#stopping) {
      throw new NatsTestingError(`${operation}: server ${this.name} was stopped`, "NOT_SUPPORTED");
    }
  }
  #argsFor(port, monitorPort) {
    return buildServerArgs({
      ...this.#spec.args,
      host: HOST,
      port,
      monitorPort,
      portsFileDir: this.#spec.tempRoot,
      serverName: this.#spec.name,
      storeDir: this.storeDir,
    });
  }
  async #launch(port, monitorPort) {
    const spec = this.#spec;
    const proc = await spawnServerProcess(spec.bin, this.#argsFor(port, monitorPort), {
      label: `nats-server ${spec.name}`,
      debug: spec.debug,
    });
    this.#process = proc;
    this.#paused = false;
    const deadline = Date.now() + spec.startTimeoutMs;
    const remaining = () => Math.max(deadline - Date.now(), 1);
    const abort = () => {
      const exit = proc.exitInfo();
      if (exit === void 0) return void 0;
      return new NatsTestingError(
        `nats-server ${spec.name} exited (${describeExit(exit)}) before it was ready`,
        "START_FAILED",
        { logTail: proc.logTail() },
      );
    };
    try {
      const ports = await pollUntil(
        "the ports file",
        () => readPortsFile(spec.tempRoot, proc.pid),
        {
          timeoutMs: remaining(),
          abort,
        },
      );
      this.#port = ports.client;
      this.#monitorPort = ports.monitoring ?? -1;
      const info = await pollUntil("the INFO line", () => readInfoLine(HOST, ports.client), {
        timeoutMs: remaining(),
        abort,
      });
      this.#version = info.version;
      await spec.ready({
        server: this,
        monitorUrl: this.monitorUrl,
        timeoutMs: remaining(),
        abort,
      });
    } catch (error) {
      proc.signal("SIGKILL");
      await proc.waitForExit(KILL_WAIT_MS);
      if (error.code === "START_FAILED") throw error;
      throw new NatsTestingError(
        `nats-server ${spec.name} was not ready within ${spec.startTimeoutMs} ms: ${error instanceof Error ? error.message : String(error)}`,
        "START_TIMEOUT",
        { cause: error, logTail: proc.logTail() },
      );
    }
  }
  /** SIGTERM (after SIGCONT if paused), then SIGKILL if it lingers; resolves once it exited. */
  async #terminate() {
    const proc = this.#running();
    if (!proc) return;
    proc.signal("SIGTERM");
    if (this.#paused) proc.signal("SIGCONT");
    this.#paused = false;
    if ((await proc.waitForExit(STOP_GRACE_MS)) !== void 0) return;
    proc.signal("SIGKILL");
    if ((await proc.waitForExit(KILL_WAIT_MS)) === void 0) {
      throw new NatsTestingError(
        `nats-server ${this.name} (pid ${proc.pid}) did not exit after SIGKILL`,
        "PROCESS_FAILED",
      );
    }
  }
  stop() {
    this.#stopping ??= (async () => {
      try {
        await this.#terminate();
      } finally {
        await removeDir(this.#spec.tempRoot);
        this.#untrack();
      }
    })();
    return this.#stopping;
  }
  async restart() {
    this.#assertUsable("restart");
    await this.#terminate();
    await this.#launch(this.#port, this.#monitorPort);
    if (this.#stopping) {
      await this.#terminate();
      await removeDir(this.#spec.tempRoot);
    }
  }
  async kill(signal = "SIGKILL") {
    this.#assertUsable("kill");
    const proc = this.#running();
    if (!proc) return;
    proc.signal(signal);
    if (this.#paused && signal !== "SIGKILL") proc.signal("SIGCONT");
    this.#paused = false;
    if ((await proc.waitForExit(KILL_WAIT_MS)) === void 0) {
      throw new NatsTestingError(
        `nats-server ${this.name} did not exit within ${KILL_WAIT_MS} ms of ${signal}; kill() is for signals that end the process`,
        "PROCESS_FAILED",
      );
    }
  }
  async pause() {
    this.#assertUsable("pause");
    const proc = this.#running();
    if (!proc) throw new NatsTestingError(`pause: ${this.name} is not running`, "NOT_SUPPORTED");
    proc.signal("SIGSTOP");
    this.#paused = true;
  }
  async resume() {
    this.#assertUsable("resume");
    const proc = this.#running();
    if (!proc) throw new NatsTestingError(`resume: ${this.name} is not running`, "NOT_SUPPORTED");
    proc.signal("SIGCONT");
    this.#paused = false;
  }
  [Symbol.asyncDispose]() {
    return this.stop();
  }
  #killSync() {
    const proc = this.#running();
    if (proc) proc.signal("SIGKILL");
    removeDirSync(this.#spec.tempRoot);
  }
};

// ../nats-testing/src/random-name.ts
import { randomBytes } from "node:crypto";

function randomName(prefix2 = "helix") {
  return `${prefix2}-${randomBytes(4).toString("hex")}`;
}

// ../nats-testing/src/containers.ts
import { basename as basename2 } from "node:path";

var DEFAULT_CONTAINER_IMAGE = "nats:2.10-alpine";
var CLIENT_PORT = 4222;
var MONITOR_PORT = 8222;
var CERT_DIR = "/etc/nats-testing";
async function loadTestcontainers() {
  try {
    return await import(
      "/work/main/node_modules/.pnpm/@testcontainers+nats@12.1.0_bare-buffer@3.7.3/node_modules/@testcontainers/nats/build/index.js"
    );
  } catch (error) {
    throw new NatsTestingError(
      `Docker is running but @testcontainers/nats is not installed (add it as a dev dependency to use the container fallback). ${INSTALL_HINT}`,
      "SERVER_NOT_FOUND",
      { cause: error },
    );
  }
}
function containerCommand(options, name) {
  const command = ["-m", String(MONITOR_PORT), "--server_name", name];
  if (options.jetstream ?? true) command.push("-js");
  if (options.user !== void 0 && options.pass !== void 0) {
    command.push("--user", options.user, "--pass", options.pass);
  }
  if (options.token !== void 0) command.push("--auth", options.token);
  if (options.tls) {
    command.push(options.tls.verify ? "--tlsverify" : "--tls");
    command.push("--tlscert", `${CERT_DIR}/${basename2(options.tls.certFile)}`);
    command.push("--tlskey", `${CERT_DIR}/${basename2(options.tls.keyFile)}`);
    if (options.tls.caFile)
      command.push("--tlscacert", `${CERT_DIR}/${basename2(options.tls.caFile)}`);
  }
  command.push(...(options.args ?? []));
  return command;
}
function unsupported(operation) {
  return Promise.reject(
    new NatsTestingError(
      `${operation}() is not supported in container mode (no nats-server binary was found); install nats-server or set NATS_SERVER_BIN to use it`,
      "NOT_SUPPORTED",
    ),
  );
}
async function startContainerServer(options) {
  const { NatsContainer } = await loadTestcontainers();
  const name = options.name ?? "helix-container";
  const command = containerCommand(options, name);
  class PlainNatsContainer extends NatsContainer {
    withCommand(_ignored) {
      return super.withCommand(command);
    }
  }
  const container = new PlainNatsContainer(options.containerImage ?? DEFAULT_CONTAINER_IMAGE);
  if (options.port !== void 0) {
    container.withExposedPorts({ container: CLIENT_PORT, host: options.port });
  }
  if (options.tls) {
    const files = [options.tls.certFile, options.tls.keyFile, options.tls.caFile];
    container.withCopyFilesToContainer(
      files
        .filter((file) => file !== void 0)
        .map((source) => ({ source, target: `${CERT_DIR}/${basename2(source)}` })),
    );
  }
  if (options.debug) {
    container.withLogConsumer((stream) =>
      stream.on("data", (line) => process.stderr.write(`[nats ${name}] ${String(line)}`)),
    );
  }
  const started = await container.start();
  const host = started.getHost();
  const port = started.getMappedPort(CLIENT_PORT);
  const monitorUrl = `http://${host}:${started.getMappedPort(MONITOR_PORT)}`;
  let stopping;
  const stop = () => {
    stopping ??= started.stop().then(() => void 0);
    return stopping;
  };
  try {
    const timeoutMs = options.startTimeoutMs ?? 2e4;
    const info = await pollUntil("the INFO line", () => readInfoLine(host, port), { timeoutMs });
    await pollUntil("/healthz", () => checkHealthz(monitorUrl), { timeoutMs });
    const { user, pass } = options;
    return {
      mode: "container",
      name,
      host,
      port,
      url: `nats://${host}:${port}`,
      urlWithCredentials:
        user !== void 0 && pass !== void 0
          ? `nats://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@${host}:${port}`
          : void 0,
      monitorUrl,
      storeDir: void 0,
      pid: void 0,
      version: info.version,
      paused: false,
      stop,
      restart: () => unsupported("restart"),
      kill: () => unsupported("kill"),
      pause: () => unsupported("pause"),
      resume: () => unsupported("resume"),
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop().catch(() => void 0);
    throw error;
  }
}

// ../nats-testing/src/server.ts
var DEFAULT_START_TIMEOUT_MS = 2e4;
async function startServer(options = {}) {
  validateAuth(options);
  const backend = await resolveBackend();
  if (backend.kind === "container") return startContainerServer(options);
  return ProcessServer.start({
    bin: backend.bin,
    name: options.name ?? randomName(),
    tempRoot: makeTempDir(),
    port: options.port ?? -1,
    debug: options.debug ?? false,
    startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
    args: {
      jetstream: options.jetstream ?? true,
      user: options.user,
      pass: options.pass,
      token: options.token,
      tls: options.tls,
      extraArgs: options.args,
    },
    ready: async ({ monitorUrl, timeoutMs, abort }) => {
      await pollUntil("/healthz", () => checkHealthz(monitorUrl), { timeoutMs, abort });
    },
  });
}

// bench/overhead.ts
import {
  CompositePropagator,
  ExportResultCode,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "/work/main/node_modules/.pnpm/@opentelemetry+core@2.12.1_@opentelemetry+api@1.9.1/node_modules/@opentelemetry/core/build/src/index.js";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "/work/main/node_modules/.pnpm/@opentelemetry+sdk-metrics@2.12.1_@opentelemetry+api@1.9.1/node_modules/@opentelemetry/sdk-metrics/build/src/index.js";
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
} from "/work/main/node_modules/.pnpm/@opentelemetry+sdk-trace-base@2.12.1_@opentelemetry+api@1.9.1/node_modules/@opentelemetry/sdk-trace-base/build/src/index-shim.js";

// src/destination.ts
var INBOX = "_INBOX";
function defaultDestination(subject) {
  return subject.startsWith("_INBOX.") ? INBOX : subject;
}
function guardDestination(namer) {
  if (namer === void 0) return defaultDestination;
  return (subject) => {
    try {
      const name = namer(subject);
      if (typeof name === "string" && name !== "") return name;
    } catch {}
    return defaultDestination(subject);
  };
}

// src/plugin.ts
// src/idle.ts
import {
  context as context2,
  ProxyTracerProvider,
  propagation,
  trace,
  trace as trace3,
} from "/work/main/node_modules/.pnpm/@opentelemetry+api@1.9.1/node_modules/@opentelemetry/api/build/src/index.js";

function createIdleCheck(options, instruments) {
  if (options.tracerProvider !== void 0 || options.propagator !== void 0 || instruments.enabled) {
    return () => false;
  }
  const noopTracers = new ProxyTracerProvider().getDelegate();
  return () => {
    const provider = trace.getTracerProvider();
    return (
      provider instanceof ProxyTracerProvider &&
      provider.getDelegate() === noopTracers &&
      propagation.fields().length === 0
    );
  };
}

// src/metrics.ts
import {
  createNoopMeter,
  metrics,
} from "/work/main/node_modules/.pnpm/@opentelemetry+api@1.9.1/node_modules/@opentelemetry/api/build/src/index.js";

// src/semconv.ts
var MESSAGING_SYSTEM = "messaging.system";
var OPERATION_NAME = "messaging.operation.name";
var OPERATION_TYPE = "messaging.operation.type";
var DESTINATION_NAME = "messaging.destination.name";
var MESSAGE_ID = "messaging.message.id";
var CLIENT_ID = "messaging.client.id";
var CONSUMER_GROUP = "messaging.consumer.group.name";
var BATCH_COUNT = "messaging.batch.message_count";
var BODY_SIZE = "messaging.message.body.size";
var SERVER_ADDRESS = "server.address";
var SERVER_PORT = "server.port";
var ERROR_TYPE = "error.type";
var NATS_STREAM = "messaging.nats.stream.name";
var NATS_STREAM_SEQUENCE = "messaging.nats.message.stream_sequence";
var NATS_DELIVERY_COUNT = "messaging.nats.message.delivery_count";
var NATS_DUPLICATE = "messaging.nats.message.duplicate";
var NATS_PUBLISH_ATTEMPTS = "messaging.nats.publish.attempts";
var NATS_SUBJECT = "messaging.nats.subject";
var NATS_RECEIVE_MODE = "messaging.nats.receive.mode";
var NATS_NAK_DELAY = "messaging.nats.nak.delay_ms";
var NATS_CONSUMER_ORDERED = "messaging.nats.consumer.ordered";
var NATS_CONSUMER_STATUS = "messaging.nats.consumer.status";
var NATS_CONSUMER_STATUS_ENDS = "messaging.nats.consumer.status.ends";
var NATS_KV_BUCKET = "messaging.nats.kv.bucket";
var NATS_KV_KEY = "messaging.nats.kv.key";
var NATS_KV_REVISION = "messaging.nats.kv.revision";
var NATS_KV_OUTCOME = "messaging.nats.kv.outcome";
var SYSTEM_NATS = "nats";
var METRIC_OPERATION_DURATION = "messaging.client.operation.duration";
var METRIC_PROCESS_DURATION = "messaging.process.duration";
var METRIC_SENT_MESSAGES = "messaging.client.sent.messages";
var METRIC_CONSUMED_MESSAGES = "messaging.client.consumed.messages";
var METRIC_RECONNECTS = "messaging.nats.client.reconnects";
var DURATION_BUCKETS = [5e-3, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
var OTHER_ERROR = "_OTHER";

// src/metrics.ts
function createInstruments(provider, scope) {
  const meter = (provider ?? metrics.getMeterProvider()).getMeter(scope);
  const advice = { explicitBucketBoundaries: [...DURATION_BUCKETS] };
  return {
    enabled: !isNoopMeter(meter),
    operationDuration: meter.createHistogram(METRIC_OPERATION_DURATION, {
      description:
        "Duration of a messaging operation started by the client (publish, receive, settle, management, KV).",
      unit: "s",
      advice,
    }),
    processDuration: meter.createHistogram(METRIC_PROCESS_DURATION, {
      description: "Duration of processing one message by a consume handler.",
      unit: "s",
      advice,
    }),
    sentMessages: meter.createCounter(METRIC_SENT_MESSAGES, {
      description: "Messages the client attempted to publish.",
      unit: "{message}",
    }),
    consumedMessages: meter.createCounter(METRIC_CONSUMED_MESSAGES, {
      description: "Messages delivered to the client (fetched, or handed to a consume handler).",
      unit: "{message}",
    }),
    reconnects: meter.createCounter(METRIC_RECONNECTS, {
      description: "Times the connection reconnected to a server.",
      unit: "{reconnect}",
    }),
  };
}
function isNoopMeter(meter) {
  return Object.getPrototypeOf(meter) === Object.getPrototypeOf(createNoopMeter());
}

// src/options.ts
var KNOWN = /* @__PURE__ */ new Set([
  "tracerProvider",
  "meterProvider",
  "propagator",
  "processParent",
  "destination",
  "recordBodySize",
  "settleSpans",
]);
function resolveOtelOptions(options) {
  if (options === void 0) options = {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ConfigError([{ message: "otel options must be an object", path: ["otel"] }], {
      subject: "otel plugin",
    });
  }
  const o = options;
  const reasons = [];
  const problem = (key, message2) => reasons.push({ message: message2, path: ["otel", key] });
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) problem(key, `unknown option "${key}"`);
  }
  const hasMethods = (key, methods) => {
    const value = o[key];
    if (value === void 0) return;
    const missing = methods.filter((m) => typeof value?.[m] !== "function");
    if (typeof value !== "object" || value === null || missing.length > 0) {
      problem(key, `${key} must be an object with ${methods.join(" and ")} methods`);
    }
  };
  hasMethods("tracerProvider", ["getTracer"]);
  hasMethods("meterProvider", ["getMeter"]);
  hasMethods("propagator", ["inject", "extract"]);
  if (o.processParent !== void 0 && o.processParent !== "parent" && o.processParent !== "link") {
    problem("processParent", 'processParent must be "parent" or "link"');
  }
  if (o.destination !== void 0 && typeof o.destination !== "function") {
    problem("destination", "destination must be a function from subject to name");
  }
  for (const key of ["recordBodySize", "settleSpans"]) {
    if (o[key] !== void 0 && typeof o[key] !== "boolean") problem(key, `${key} must be a boolean`);
  }
  if (reasons.length > 0) throw new ConfigError(reasons, { subject: "otel plugin" });
  return {
    tracerProvider: o.tracerProvider,
    meterProvider: o.meterProvider,
    propagator: o.propagator,
    processParent: o.processParent ?? "parent",
    destination: o.destination,
    recordBodySize: o.recordBodySize ?? false,
    settleSpans: o.settleSpans ?? true,
  };
}

// src/propagation.ts
import {
  propagation as propagation2,
  ROOT_CONTEXT,
} from "/work/main/node_modules/.pnpm/@opentelemetry+api@1.9.1/node_modules/@opentelemetry/api/build/src/index.js";

var getter = {
  get: (headers, key) => getHeader(headers, key),
  keys: (headers) => Array.from(headers.keys()),
};
var setIfAbsent = {
  set: (headers, key, value) => {
    setHeaderIfAbsent(headers, key, value);
  },
};
var setIfAbsentKeepingCallerTrace = {
  set: (headers, key, value) => {
    if (key.toLowerCase() === "tracestate") return;
    setHeaderIfAbsent(headers, key, value);
  },
};
function resolvePropagator(configured) {
  return configured ?? propagation2;
}
function injectContext(propagator, ctx, headers) {
  try {
    const setter = hasHeader(headers, "traceparent") ? setIfAbsentKeepingCallerTrace : setIfAbsent;
    propagator.inject(ctx, headers, setter);
  } catch {}
}
function extractContext(propagator, headers) {
  if (headers === void 0) return ROOT_CONTEXT;
  try {
    return propagator.extract(ROOT_CONTEXT, headers, getter);
  } catch {
    return ROOT_CONTEXT;
  }
}

// src/tracing-middleware.ts
// src/outcome.ts
import {
  context,
  isSpanContextValid,
  SpanStatusCode,
  trace as trace2,
} from "/work/main/node_modules/.pnpm/@opentelemetry+api@1.9.1/node_modules/@opentelemetry/api/build/src/index.js";

function errorType(err) {
  if (isHelixError(err)) return err.code;
  if (err instanceof Error && err.name !== "" && err.name !== "Error") return err.name;
  return OTHER_ERROR;
}
function expectedOutcome(op, err) {
  if (op.kind === "kv.create" && isHelixError(err) && err.code === "KEY_EXISTS") {
    return "key_exists";
  }
  return void 0;
}
function recordFailure(span, err, type) {
  const message2 = err instanceof Error ? err.message : String(err);
  span.setAttribute(ERROR_TYPE, type);
  span.recordException(err instanceof Error ? err : message2);
  span.setStatus({ code: SpanStatusCode.ERROR, message: message2 });
}
function recordOutcome(span, outcome) {
  span.setAttribute(NATS_KV_OUTCOME, outcome);
}

// src/span-shape.ts
import { SpanKind } from "/work/main/node_modules/.pnpm/@opentelemetry+api@1.9.1/node_modules/@opentelemetry/api/build/src/index.js";

function nameOperation(op, destination) {
  switch (op.kind) {
    case "publish":
      return naming("send", "send", destination(op.subject), SpanKind.PRODUCER);
    case "receive":
      return naming("receive", "receive", op.stream, SpanKind.CLIENT);
    case "process":
      return naming("process", "process", destination(op.message.subject), SpanKind.CONSUMER);
    case "settle":
      return naming(op.action, "settle", destination(op.message.subject), SpanKind.CLIENT);
    case "consumer.status":
      return naming(op.kind, void 0, op.stream, SpanKind.CLIENT);
    default:
      return naming(op.kind, void 0, "bucket" in op ? op.bucket : op.stream, SpanKind.CLIENT);
  }
}
function naming(name, type, destination, kind) {
  return { name, type, destination, kind };
}
function spanName(naming2) {
  return naming2.destination === "" ? naming2.name : `${naming2.name} ${naming2.destination}`;
}
function commonAttributes(naming2, client2, consumer) {
  const attrs = {
    [MESSAGING_SYSTEM]: SYSTEM_NATS,
    [OPERATION_NAME]: naming2.name,
  };
  if (naming2.type !== void 0) attrs[OPERATION_TYPE] = naming2.type;
  if (naming2.destination !== "") attrs[DESTINATION_NAME] = naming2.destination;
  if (consumer !== void 0 && consumer !== "") attrs[CONSUMER_GROUP] = consumer;
  const address = client2.serverAddress;
  if (address !== void 0) attrs[SERVER_ADDRESS] = address;
  const port = client2.serverPort;
  if (port !== void 0) attrs[SERVER_PORT] = port;
  return attrs;
}
function consumerOf(op) {
  switch (op.kind) {
    case "receive":
    case "process":
    case "consumer.status":
      return op.consumer;
    case "settle":
      return op.message.info.consumer;
    default:
      return "ordered" in op ? op.consumer : void 0;
  }
}
function addStartAttributes(attrs, op, recordBodySize) {
  attrs[CLIENT_ID] = op.client.name;
  switch (op.kind) {
    case "publish":
      attrs[NATS_SUBJECT] = op.subject;
      if (op.msgID !== void 0) attrs[MESSAGE_ID] = op.msgID;
      if (recordBodySize) attrs[BODY_SIZE] = op.payload.length;
      return;
    case "receive":
      attrs[NATS_STREAM] = op.stream;
      attrs[NATS_RECEIVE_MODE] = op.mode;
      return;
    case "process":
    case "settle":
      addMessageAttributes(attrs, op.message, recordBodySize && op.kind === "process");
      if (op.kind === "settle" && op.delayMs !== void 0) attrs[NATS_NAK_DELAY] = op.delayMs;
      return;
    case "consumer.status":
      attrs[NATS_STREAM] = op.stream;
      attrs[NATS_CONSUMER_STATUS] = op.status;
      attrs[NATS_CONSUMER_STATUS_ENDS] = op.ends;
      return;
    default:
      if ("bucket" in op) {
        if (op.bucket !== "") attrs[NATS_KV_BUCKET] = op.bucket;
        if (op.key !== void 0) attrs[NATS_KV_KEY] = op.key;
        return;
      }
      if (op.stream !== "") attrs[NATS_STREAM] = op.stream;
      if ("ordered" in op) attrs[NATS_CONSUMER_ORDERED] = op.ordered;
      else {
        if (op.subject !== void 0) attrs[NATS_SUBJECT] = op.subject;
        if (op.seq !== void 0) attrs[NATS_STREAM_SEQUENCE] = op.seq;
      }
  }
}
function addMessageAttributes(attrs, message2, bodySize) {
  const info = message2.info;
  attrs[NATS_SUBJECT] = message2.subject;
  attrs[NATS_STREAM] = info.stream;
  attrs[NATS_STREAM_SEQUENCE] = info.streamSequence;
  attrs[NATS_DELIVERY_COUNT] = info.deliveryCount;
  const id = getHeader(message2.headers, "Nats-Msg-Id");
  if (id) attrs[MESSAGE_ID] = id;
  if (bodySize) attrs[BODY_SIZE] = message2.data.length;
}
function addEndAttributes(span, op) {
  switch (op.kind) {
    case "publish": {
      const { ack } = op;
      if (ack !== void 0) {
        span.setAttribute(NATS_STREAM, ack.stream);
        span.setAttribute(NATS_STREAM_SEQUENCE, ack.seq);
        if (ack.duplicate) span.setAttribute(NATS_DUPLICATE, true);
      }
      if (op.attempt > 1) span.setAttribute(NATS_PUBLISH_ATTEMPTS, op.attempt);
      return;
    }
    case "receive":
    case "process":
    case "settle":
    case "consumer.status":
      return;
    default:
      if ("bucket" in op) {
        if (op.revision !== void 0) span.setAttribute(NATS_KV_REVISION, op.revision);
      } else if ("ordered" in op && op.consumer !== void 0 && op.consumer !== "") {
        span.setAttribute(CONSUMER_GROUP, op.consumer);
      }
  }
}
function receivedCount(op) {
  return op.messages?.length ?? 0;
}

// src/record-metrics.ts
function recordOperationMetrics(t, op, naming2, seconds, errorType2) {
  const { instruments } = t;
  if (!instruments.enabled) return;
  const attrs = commonAttributes(naming2, op.client, consumerOf(op));
  if (errorType2 !== void 0) attrs[ERROR_TYPE] = errorType2;
  switch (op.kind) {
    case "process":
      instruments.processDuration.record(seconds, attrs);
      instruments.consumedMessages.add(1, attrs);
      return;
    case "consumer.status":
      return;
    case "publish":
      instruments.operationDuration.record(seconds, attrs);
      instruments.sentMessages.add(1, attrs);
      return;
    case "receive": {
      instruments.operationDuration.record(seconds, attrs);
      const count = receivedCount(op);
      if (count > 0) instruments.consumedMessages.add(count, attrs);
      return;
    }
    default:
      instruments.operationDuration.record(seconds, attrs);
  }
}
function recordConnectionEvent(t, op) {
  const { event } = op;
  if (event.type !== "reconnect" || !t.instruments.enabled) return;
  const attrs = { [MESSAGING_SYSTEM]: SYSTEM_NATS, [CLIENT_ID]: op.client.name };
  const server = splitHostPort2(event.server);
  if (server.host !== "") attrs[SERVER_ADDRESS] = server.host;
  if (server.port !== void 0) attrs[SERVER_PORT] = server.port;
  t.instruments.reconnects.add(1, attrs);
}
function splitHostPort2(server) {
  const colon = server.lastIndexOf(":");
  const portText = colon >= 0 ? server.slice(colon + 1) : "";
  const port = /^\d+$/.test(portText) ? Number(portText) : void 0;
  const host = (port === void 0 ? server : server.slice(0, colon)).replace(/^\[(.*)\]$/, "$1");
  return { host, port };
}

// src/tracing-middleware.ts
function createTracingMiddleware(t) {
  return (op, next) => {
    if (t.idle()) return next();
    switch (op.kind) {
      case "connection.event":
        guard(() => recordConnectionEvent(t, op));
        return next();
      case "process":
        return traceProcess(t, op, next);
      case "receive":
        return traceReceive(t, op, next);
      case "settle":
        return t.options.settleSpans ? traceCall(t, op, next) : measureOnly(t, op, next);
      default:
        return traceCall(t, op, next);
    }
  };
}
async function traceCall(t, op, next) {
  const started = performance.now();
  let span;
  let naming2;
  try {
    naming2 = nameOperation(op, t.destination);
    const active = context.active();
    const attributes = commonAttributes(naming2, op.client, consumerOf(op));
    addStartAttributes(attributes, op, t.options.recordBodySize);
    const links = op.kind === "settle" ? settleLinks(t, op, active) : void 0;
    span = t.tracer.startSpan(spanName(naming2), { kind: naming2.kind, attributes, links }, active);
    if (op.kind === "publish")
      injectContext(t.propagator, trace2.setSpan(active, span), op.headers);
  } catch {}
  let result;
  try {
    result = await next();
  } catch (err) {
    finish(t, op, naming2, span, started, err, true);
    throw err;
  }
  finish(t, op, naming2, span, started, void 0, false);
  return result;
}
function settleLinks(t, op, active) {
  if (trace2.getSpan(active) !== void 0) return void 0;
  return linkTo(extractContext(t.propagator, op.message.headers));
}
async function traceReceive(t, op, next) {
  const started = performance.now();
  const parent = context.active();
  let result;
  try {
    result = await next();
  } catch (err) {
    endReceive(t, op, parent, started, err, true);
    throw err;
  }
  endReceive(t, op, parent, started, void 0, false);
  return result;
}
function endReceive(t, op, parent, started, err, failed) {
  let naming2;
  let span;
  try {
    naming2 = nameOperation(op, t.destination);
    const attributes = commonAttributes(naming2, op.client, op.consumer);
    addStartAttributes(attributes, op, false);
    attributes[BATCH_COUNT] = receivedCount(op);
    const links = [];
    for (const message2 of op.messages ?? []) {
      const link = linkTo(extractContext(t.propagator, message2.headers));
      if (link !== void 0) links.push(link[0]);
    }
    span = t.tracer.startSpan(
      spanName(naming2),
      { kind: naming2.kind, attributes, links, startTime: started },
      parent,
    );
  } catch {}
  finish(t, op, naming2, span, started, err, failed);
}
async function traceProcess(t, op, next) {
  const started = performance.now();
  let span;
  let naming2;
  let active;
  try {
    naming2 = nameOperation(op, t.destination);
    const created = extractContext(t.propagator, op.message.headers);
    let parent = created;
    let links;
    if (t.options.processParent === "link") {
      links = linkTo(created);
      parent = trace2.deleteSpan(created);
    }
    const attributes = commonAttributes(naming2, op.client, op.consumer);
    addStartAttributes(attributes, op, t.options.recordBodySize);
    span = t.tracer.startSpan(spanName(naming2), { kind: naming2.kind, attributes, links }, parent);
    active = trace2.setSpan(parent, span);
  } catch {}
  let result;
  try {
    result = active === void 0 ? await next() : await context.with(active, next);
  } catch (err) {
    finish(t, op, naming2, span, started, err, true);
    throw err;
  }
  finish(t, op, naming2, span, started, void 0, false);
  return result;
}
async function measureOnly(t, op, next) {
  const started = performance.now();
  let result;
  try {
    result = await next();
  } catch (err) {
    finish(
      t,
      op,
      guard(() => nameOperation(op, t.destination)),
      void 0,
      started,
      err,
      true,
    );
    throw err;
  }
  finish(
    t,
    op,
    guard(() => nameOperation(op, t.destination)),
    void 0,
    started,
    void 0,
    false,
  );
  return result;
}
function finish(t, op, naming2, span, started, err, failed) {
  guard(() => {
    const outcome = failed ? expectedOutcome(op, err) : void 0;
    const type = failed && outcome === void 0 ? errorType(err) : void 0;
    if (span !== void 0) {
      if (span.isRecording()) addEndAttributes(span, op);
      if (outcome !== void 0) recordOutcome(span, outcome);
      else if (type !== void 0) recordFailure(span, err, type);
      span.end();
    }
    if (naming2 !== void 0) {
      recordOperationMetrics(t, op, naming2, (performance.now() - started) / 1e3, type);
    }
  });
}
function linkTo(ctx) {
  const spanContext = trace2.getSpanContext(ctx);
  return spanContext !== void 0 && isSpanContextValid(spanContext)
    ? [{ context: spanContext }]
    : void 0;
}
function guard(fn) {
  try {
    return fn();
  } catch {
    return void 0;
  }
}

// src/plugin.ts
var INSTRUMENTATION_SCOPE = "@helix/nats-otel";
var OTEL_PLUGIN_NAME = "otel";
function otel(options) {
  const resolved = resolveOtelOptions(options);
  const propagator = resolvePropagator(resolved.propagator);
  const destination = guardDestination(resolved.destination);
  return {
    name: OTEL_PLUGIN_NAME,
    install(stack) {
      const tracer = (resolved.tracerProvider ?? trace3.getTracerProvider()).getTracer(
        INSTRUMENTATION_SCOPE,
      );
      const instruments = createInstruments(resolved.meterProvider, INSTRUMENTATION_SCOPE);
      const middleware = createTracingMiddleware({
        tracer,
        instruments,
        propagator,
        destination,
        options: resolved,
        idle: createIdleCheck(resolved, instruments),
      });
      stack.add(middleware, { name: OTEL_PLUGIN_NAME });
    },
    messageContext: (message2) => extractContext(propagator, message2.headers),
    withMessage: (message2, fn) => context2.with(extractContext(propagator, message2.headers), fn),
  };
}

// bench/overhead.ts
var quick = process.argv.includes("--quick");
var ROUNDS = quick ? 3 : 7;
var STACK_OPS = quick ? 5e4 : 2e5;
var PUBLISHES = quick ? 1e3 : 4e3;
var CONSUMED = quick ? 5e3 : 2e4;
var VARIANTS = ["without plugin", "with plugin", "with plugin and SDK"];
function sdkOptions() {
  const nullExporter = {
    export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
    shutdown: () => Promise.resolve(),
  };
  return {
    tracerProvider: new BasicTracerProvider({
      sampler: new AlwaysOnSampler(),
      spanProcessors: [new BatchSpanProcessor(nullExporter, { maxQueueSize: 8192 })],
    }),
    meterProvider: new MeterProvider({
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
          exportIntervalMillis: 6e4,
        }),
      ],
    }),
    propagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  };
}
function pluginsFor(v) {
  if (v === "with plugin") return [otel()];
  if (v === "with plugin and SDK") return [otel(sdkOptions())];
  return [];
}
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
async function alternate(measure) {
  const samples = new Map(VARIANTS.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const v of order) samples.get(v)?.push(await measure(v));
  }
  return new Map(VARIANTS.map((v) => [v, median(samples.get(v) ?? [])]));
}
var client = { name: "bench", serverAddress: "127.0.0.1", serverPort: 4222 };
var payload = new Uint8Array(128);
var message = {
  subject: "orders.created",
  headers: copyHeaders({ "Nats-Msg-Id": "m-1" }),
  data: payload,
  info: {
    stream: "ORDERS",
    consumer: "billing",
    streamSequence: 1,
    deliverySequence: 1,
    deliveryCount: 1,
    pending: 0,
    timestampMs: 0,
  },
};
var operations = {
  publish: () => ({
    kind: "publish",
    client,
    subject: "orders.created",
    headers: copyHeaders(),
    payload,
    msgID: "m-1",
    async: false,
    attempt: 1,
  }),
  process: () => ({ kind: "process", client, stream: "ORDERS", consumer: "billing", message }),
  ack: () => ({ kind: "settle", client, action: "ack", message }),
};
function stackFor(v) {
  const stack = new MiddlewareStack();
  for (const plugin of pluginsFor(v)) plugin.install(stack);
  return stack;
}
async function stackNsPerOp(kind, v) {
  const stack = stackFor(v);
  const make = operations[kind];
  const terminal = () => Promise.resolve(void 0);
  for (let i = 0; i < 5e3; i++) await stack.run(make(), terminal);
  const start = process.hrtime.bigint();
  for (let i = 0; i < STACK_OPS; i++) await stack.run(make(), terminal);
  return Number(process.hrtime.bigint() - start) / STACK_OPS;
}
async function publishRate(conns, stream, v) {
  const pub = createPublisher(conns[v]);
  const data = new Uint8Array(128);
  const start = performance.now();
  for (let i = 0; i < PUBLISHES; i++) await pub.publish(`${stream}.p`, data);
  return PUBLISHES / ((performance.now() - start) / 1e3);
}
var consumerSeq = 0;
async function consumeRate(conns, stream, v) {
  const conn = conns[v];
  const consumer = await createConsumerManager(conn).createOrUpdate(stream, {
    durable_name: `c${++consumerSeq}`,
    ack_policy: "explicit",
    filter_subject: `${stream}.c`,
  });
  let seen = 0;
  let done;
  const finished = new Promise((r) => {
    done = r;
  });
  const start = performance.now();
  const ctx = consumer.consume(() => {
    if (++seen === CONSUMED) done();
  });
  await finished;
  const rate = CONSUMED / ((performance.now() - start) / 1e3);
  await ctx.drain();
  return rate;
}
function row(label, results, unit, higherIsBetter) {
  const base = results.get("without plugin");
  const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));
  const cells = VARIANTS.map((v) => {
    const value = results.get(v);
    if (v === "without plugin") return `${fmt(value)} ${unit}`;
    const ratio = higherIsBetter ? value / base : base / value;
    return `${fmt(value)} ${unit} (${ratio.toFixed(2)})`;
  });
  return `| ${label} | ${cells.join(" | ")} |`;
}
async function main() {
  const lines = [
    "| case | without plugin | with plugin, no SDK | with plugin and a sampled SDK |",
    "| ---- | -------------- | ------------------- | ----------------------------- |",
  ];
  const added = [];
  for (const kind of Object.keys(operations)) {
    const r = await alternate((v) => stackNsPerOp(kind, v));
    lines.push(row(`middleware only: ${kind}`, r, "ns/op", false));
    const base = r.get("without plugin");
    const idle = r.get("with plugin") - base;
    const sdk = r.get("with plugin and SDK") - base;
    added.push(
      `${kind}: +${idle.toFixed(0)} ns without an SDK, +${(sdk / 1e3).toFixed(2)} \xB5s with one`,
    );
  }
  const server = await startServer();
  try {
    const conns = {};
    for (const v of VARIANTS) {
      conns[v] = await connect({ addresses: [server.url], name: "bench", plugins: pluginsFor(v) });
    }
    const jsm = await conns["without plugin"].manager();
    await jsm.streams.add({ name: "BENCH", subjects: ["BENCH.>"] });
    lines.push(
      row(
        "publish (sequential, 128 B)",
        await alternate((v) => publishRate(conns, "BENCH", v)),
        "msg/s",
        true,
      ),
    );
    const raw = conns["without plugin"].jetstream;
    const total = CONSUMED * ROUNDS * VARIANTS.length;
    for (let sent = 0; sent < total; ) {
      const batch = [];
      for (let i = 0; i < 1e3 && sent < total; i++, sent++)
        batch.push(raw.publish("BENCH.c", payload));
      await Promise.all(batch);
    }
    lines.push(
      row(
        "consume (auto-ack, 128 B)",
        await alternate((v) => consumeRate(conns, "BENCH", v)),
        "msg/s",
        true,
      ),
    );
    for (const c of Object.values(conns)) await c.close();
  } finally {
    await server.stop();
  }
  console.log(`
${ROUNDS} rounds, medians; in brackets the ratio to "without plugin" (1.00 = no cost).`);
  console.log(`Node ${process.version}, ${process.platform}/${process.arch}
`);
  console.log(lines.join("\n"));
  console.log(`
Added per operation by the plugin: ${added.join("; ")}`);
}
await main();
