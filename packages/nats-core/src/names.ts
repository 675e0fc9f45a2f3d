import { ValidationError } from "./errors.js";

/**
 * Checks of subjects and resource names, run before any I/O by the stream, consumer and kv
 * packages. Each throws a `ValidationError` that says what is wrong and shows the value.
 */

const WHITESPACE = /\s/;
const DOT = 0x2e;
const STAR = 0x2a;
const GT = 0x3e;
const MAX_NAME_LENGTH = 255;

/** How a subject is used: `publish` forbids wildcards, `filter` allows `*` and a final `>`. */
export type SubjectUse = "publish" | "filter";

/** Throws `ValidationError` unless `subject` is a valid NATS subject for the given use. */
export function assertSubject(
  subject: unknown,
  use: SubjectUse = "publish",
  field = "subject",
): asserts subject is string {
  if (typeof subject !== "string" || subject === "") {
    throw invalid(field, subject, `${field} must be a non-empty string`);
  }
  if (WHITESPACE.test(subject))
    throw invalid(field, subject, `${field} "${subject}" must not contain white space`);
  // One pass over the characters, token by token (this runs on every publish: no split, no
  // closure, no per-token strings).
  const last = subject.length;
  let start = 0;
  let star = false;
  let gt = false;
  for (let i = 0; i <= last; i++) {
    const code = i === last ? DOT : subject.charCodeAt(i);
    if (code === STAR) star = true;
    else if (code === GT) gt = true;
    if (code !== DOT) continue;
    const length = i - start;
    if (length === 0) {
      throw invalid(
        field,
        subject,
        `${field} "${subject}" has an empty token (a leading, trailing or double dot)`,
      );
    }
    const wildcard = length === 1 && (star || gt);
    if (use === "publish" && wildcard) {
      throw invalid(field, subject, `${field} "${subject}" must not contain wildcards to publish`);
    }
    if (!wildcard && (star || gt)) {
      throw invalid(field, subject, `${field} "${subject}": wildcards must be whole tokens`);
    }
    if (wildcard && gt && i !== last) {
      throw invalid(field, subject, `${field} "${subject}": ">" may only be the last token`);
    }
    start = i + 1;
    star = false;
    gt = false;
  }
}

/** Throws `ValidationError` unless `name` is a valid stream name. */
export function assertStreamName(name: unknown): asserts name is string {
  assertResourceName(name, "stream");
}

/** Throws `ValidationError` unless `name` is a valid durable or named consumer name. */
export function assertConsumerName(name: unknown): asserts name is string {
  assertResourceName(name, "consumer");
}

/** Throws `ValidationError` unless `name` is a valid key-value bucket name (letters, digits, `-`, `_`). */
export function assertBucketName(name: unknown): asserts name is string {
  if (typeof name !== "string" || name === "")
    throw invalid("bucket", name, "bucket name must be a non-empty string");
  if (!/^[-\w]+$/.test(name)) {
    throw invalid(
      "bucket",
      name,
      `bucket name "${name}" may only contain letters, digits, "-" and "_"`,
    );
  }
}

/** How a key is used: `key` for reads and writes, `filter` for watches and `keys()` (wildcards allowed). */
export type KeyUse = "key" | "filter";

/** Throws `ValidationError` unless `key` is a valid key-value key (or key filter). */
export function assertKey(key: unknown, use: KeyUse = "key"): asserts key is string {
  if (typeof key !== "string" || key === "")
    throw invalid("key", key, "key must be a non-empty string");
  if (key.startsWith(".") || key.endsWith(".")) {
    throw invalid("key", key, `key "${key}" must not start or end with "."`);
  }
  const allowed = use === "filter" ? /^[-/_=.a-zA-Z0-9*>]+$/ : /^[-/_=.a-zA-Z0-9]+$/;
  if (!allowed.test(key)) {
    throw invalid(
      "key",
      key,
      `key "${key}" may only contain letters, digits and "-", "/", "_", "=", "."${use === "filter" ? ' (and wildcards "*", ">")' : ""}`,
    );
  }
  if (use === "filter") assertSubject(key, "filter", "key");
  else if (key.includes("..")) throw invalid("key", key, `key "${key}" has an empty token ("..")`);
}

function assertResourceName(name: unknown, what: "stream" | "consumer"): asserts name is string {
  if (typeof name !== "string" || name === "")
    throw invalid(what, name, `${what} name must be a non-empty string`);
  // The server counts bytes of UTF-8, not characters: "ж" is two of its 255.
  const bytes = name.length > MAX_NAME_LENGTH / 3 ? utf8Length(name) : name.length;
  if (bytes > MAX_NAME_LENGTH) {
    throw invalid(
      what,
      name,
      `${what} name is ${bytes} bytes long in UTF-8; the server's limit is ${MAX_NAME_LENGTH}`,
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

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function invalid(field: string, value: unknown, message: string): ValidationError {
  return new ValidationError(field, message, { value });
}
