/**
 * Standard Schema support: the common interface of zod (3.24+ and 4), valibot (1.0+), arktype
 * (2.0+) and others, without depending on any of them. The types are a copy of the Standard
 * Schema v1 specification (https://standardschema.dev), flattened out of its namespace; a schema
 * of any of those libraries fits them structurally.
 */

import { ConfigError, type ConfigReason, ValidationError, type ValidationIssue } from "./errors.js";

/**
 * A Standard Schema v1: any value with a `~standard` property (`version: 1`, `vendor`,
 * `validate`). `Input` is what it accepts, `Output` what it produces (after transforms).
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": StandardSchemaV1Props<Input, Output>;
}

/** The `~standard` property of a Standard Schema v1. */
export interface StandardSchemaV1Props<Input = unknown, Output = Input> {
  /** The version of the Standard Schema specification: 1. */
  readonly version: 1;
  /** The library that made the schema, e.g. `"zod"`, `"valibot"`, `"arktype"`. */
  readonly vendor: string;
  /** Validates `value`: the (possibly transformed) value, or the issues; may be asynchronous. */
  readonly validate: (
    value: unknown,
  ) => StandardSchemaV1Result<Output> | Promise<StandardSchemaV1Result<Output>>;
  /** Type-level only: the input and output types (never present at run time). */
  readonly types?: StandardSchemaV1Types<Input, Output> | undefined;
}

/** What `validate` gives: the value on success, the issues on failure. */
export type StandardSchemaV1Result<Output> =
  | StandardSchemaV1SuccessResult<Output>
  | StandardSchemaV1FailureResult;

/** A successful validation: the output value, no issues. */
export interface StandardSchemaV1SuccessResult<Output> {
  /** The validated (possibly transformed) value. */
  readonly value: Output;
  /** Absent on success. */
  readonly issues?: undefined;
}

/** A failed validation: one issue or more. */
export interface StandardSchemaV1FailureResult {
  /** Every problem found. */
  readonly issues: readonly StandardSchemaV1Issue[];
}

/** One problem found by a Standard Schema. */
export interface StandardSchemaV1Issue {
  /** What is wrong. */
  readonly message: string;
  /** Where: keys, or segments with a key, from the root. */
  readonly path?: readonly (PropertyKey | StandardSchemaV1PathSegment)[] | undefined;
}

/** A path segment of an issue, as an object. */
export interface StandardSchemaV1PathSegment {
  /** The key of this segment. */
  readonly key: PropertyKey;
}

/** The input and output types of a Standard Schema (type-level only). */
export interface StandardSchemaV1Types<Input = unknown, Output = Input> {
  /** The type the schema accepts. */
  readonly input: Input;
  /** The type the schema produces. */
  readonly output: Output;
}

/** The type a Standard Schema accepts, e.g. `InferInput<typeof Order>`. */
export type InferInput<Schema extends StandardSchemaV1> = NonNullable<
  Schema["~standard"]["types"]
>["input"];

/** The type a Standard Schema produces, e.g. `InferOutput<typeof Order>`. */
export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<
  Schema["~standard"]["types"]
>["output"];

/** True when `value` is a Standard Schema v1 (has `~standard` with `version: 1` and a `validate` function). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const props = (value as { "~standard"?: unknown })["~standard"];
  return (
    typeof props === "object" &&
    props !== null &&
    (props as { version?: unknown }).version === 1 &&
    typeof (props as { validate?: unknown }).validate === "function"
  );
}

/** The problem with a `schema` option, as `ConfigError` reasons: none when it is absent or a Standard Schema v1. */
export function schemaReasons(schema: unknown): ConfigReason[] {
  if (schema === undefined || isStandardSchema(schema)) return [];
  return [
    {
      message:
        "schema must be a Standard Schema v1 (a zod 3.24+ or 4, valibot 1 or arktype 2 schema: an object with a `~standard` property, version 1)",
      path: ["schema"],
    },
  ];
}

/**
 * Throws a `ConfigError` (with `subject`, e.g. `"consume options"`) unless `schema` is absent or
 * a Standard Schema v1.
 */
export function assertSchemaOption(schema: unknown, subject: string): void {
  const reasons = schemaReasons(schema);
  if (reasons.length > 0) throw new ConfigError(reasons, { subject });
}

/** How many issues an error message lists (all of them stay in `issues`). */
const MAX_LISTED_ISSUES = 5;
/** How long one issue message may be in an error message. */
const MAX_ISSUE_MESSAGE = 200;

/** What a failed validation is about: the error's `field` and the start of its message. */
export interface SchemaTarget {
  /** The `ValidationError.field`, e.g. `"data"`. */
  readonly field: string;
  /** Says what was validated, e.g. `publish to "orders.new"`. */
  readonly description: string;
}

/**
 * Validates `value` with a Standard Schema: its output (synchronously when the schema is), or a
 * `ValidationError` listing the issues (thrown, or the rejection when the schema is
 * asynchronous). The value itself is never put in the error (it may hold secrets); the issues'
 * messages are. A schema that throws is a `ValidationError` too, with the thrown error as cause.
 */
export function validateWithSchema<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  target: SchemaTarget,
): InferOutput<S> | Promise<InferOutput<S>> {
  let result: StandardSchemaV1Result<unknown> | Promise<StandardSchemaV1Result<unknown>>;
  try {
    result = schema["~standard"].validate(value);
  } catch (cause) {
    throw schemaThrew(schema, target, cause);
  }
  if (result instanceof Promise) {
    return result.then(
      (settled) => outputOf(settled, target) as InferOutput<S>,
      (cause: unknown) => {
        throw schemaThrew(schema, target, cause);
      },
    );
  }
  return outputOf(result, target) as InferOutput<S>;
}

function outputOf(result: StandardSchemaV1Result<unknown>, target: SchemaTarget): unknown {
  if (result.issues === undefined) return result.value;
  throw schemaValidationError(result.issues, target);
}

function schemaThrew(schema: StandardSchemaV1, target: SchemaTarget, cause: unknown) {
  return new ValidationError(
    target.field,
    `${target.description}: the ${schema["~standard"].vendor} schema threw instead of returning issues`,
    { cause },
  );
}

/** A `ValidationError` listing `issues` (the first few in the message, all in `issues`). */
export function schemaValidationError(
  issues: readonly StandardSchemaV1Issue[],
  target: SchemaTarget,
): ValidationError {
  const list: ValidationIssue[] = issues.map((issue) => ({
    message: String(issue.message),
    path: (issue.path ?? []).map(pathKey),
  }));
  const lines = list
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue) => `  - ${truncate(issue.message)}${atPath(issue.path)}`);
  if (list.length > MAX_LISTED_ISSUES) {
    lines.push(`  - … and ${list.length - MAX_LISTED_ISSUES} more (see issues)`);
  }
  const count = list.length === 1 ? "1 issue" : `${list.length} issues`;
  return new ValidationError(
    target.field,
    `${target.description}: the value does not match its schema (${count}):\n${lines.join("\n")}`,
    { issues: list },
  );
}

function pathKey(segment: PropertyKey | StandardSchemaV1PathSegment): string | number {
  const key = typeof segment === "object" && segment !== null ? segment.key : segment;
  return typeof key === "number" ? key : String(key);
}

function atPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return "";
  return ` (at ${path.map((p) => (typeof p === "number" ? `[${p}]` : p)).join(" > ")})`;
}

function truncate(message: string): string {
  return message.length <= MAX_ISSUE_MESSAGE ? message : `${message.slice(0, MAX_ISSUE_MESSAGE)}…`;
}
