/** A server address split into what the NATS client needs and the credentials it would ignore. */
export interface ParsedAddress {
  /** `scheme://host:port`, never with credentials: safe to log and to hand to the client. */
  url: string;
  /** `tls` turns TLS on; `nats` leaves it to the TLS config. */
  scheme: "nats" | "tls";
  /** The host name or IP address (IPv6 without brackets). */
  host: string;
  /** The port; 4222 when the address has none. */
  port: number;
  /** Credentials found in the URL (the NATS JS client ignores them, so core applies them). */
  user?: string;
  /** The password found in the URL, decoded. */
  pass?: string;
}

/** A reason why an address cannot be used. Never contains the address's password. */
export interface AddressProblem {
  /** What is wrong, in a sentence. */
  problem: string;
}

const SCHEMES = new Set(["nats", "tls"]);
const DEFAULT_PORT = 4222;

/** Parses one address. `host:port` and `host` mean `nats://host:port`. */
export function parseAddress(input: string): ParsedAddress | AddressProblem {
  const trimmed = input.trim();
  if (trimmed === "") return { problem: "address must not be empty" };
  if (/\s/.test(trimmed)) return { problem: "address must not contain white space" };

  const hasScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(trimmed);
  let url: URL;
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
  const parsed: ParsedAddress = {
    url: `${scheme}://${host}:${port}`,
    scheme: scheme as "nats" | "tls",
    host: host.startsWith("[") ? host.slice(1, -1) : host,
    port,
  };
  if (url.username !== "") parsed.user = safeDecode(url.username);
  if (url.password !== "") parsed.pass = safeDecode(url.password);
  return parsed;
}

/** True when `parseAddress` failed. */
export function isAddressProblem(value: ParsedAddress | AddressProblem): value is AddressProblem {
  return "problem" in value;
}

/**
 * Removes credentials from an address for messages and logs: `nats://user:pass@h:1` becomes
 * `nats://h:1` and a bare `user:pass@h:1` becomes `h:1`. Works on strings that are not valid URLs.
 */
export function redactAddress(address: string): string {
  return address.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)?[^/@\s]*@/, "$1");
}

/** Splits `host:port` (as the NATS client reports its current server) into parts. */
export function splitHostPort(hostPort: string): { address: string; port: number } | null {
  const withoutScheme = redactAddress(hostPort).replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, "");
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(withoutScheme);
  if (!match) return withoutScheme === "" ? null : { address: withoutScheme, port: DEFAULT_PORT };
  return { address: match[1] ?? "", port: Number(match[2]) };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
