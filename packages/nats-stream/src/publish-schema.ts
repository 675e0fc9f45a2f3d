import {
  assertSubject,
  type InferInput,
  type StandardSchemaV1,
  ValidationError,
} from "@helix/nats-core";
import { assertSchemaOption, validateWithSchema } from "@helix/nats-core/internal";
import type { PubAck, Publisher, PublishFuture, PublishOptions, TypedPublisher } from "./types.js";

/**
 * Validates `data` with `options.schema` (a publish's `schema` option), then runs `send` with
 * the options without it: the data is sent as given (the schema's input, so that a consumer can
 * validate it with the same schema). A `ValidationError` listing the issues, or a `ConfigError`
 * for a `schema` that is not a Standard Schema, rejects before anything is sent.
 */
export function afterSchema<R>(
  subject: string,
  data: unknown,
  options: PublishOptions & { schema?: unknown },
  send: (options: PublishOptions) => Promise<R>,
): Promise<R> {
  const { schema, ...rest } = options;
  let checked: unknown;
  try {
    assertSchemaOption(schema, "publish options");
    checked = validateWithSchema(schema as StandardSchemaV1, data, {
      field: "data",
      description: `publish to "${subject}"`,
    });
  } catch (err) {
    return Promise.reject(err);
  }
  if (checked instanceof Promise) return checked.then(() => send(rest));
  return send(rest);
}

/**
 * A publisher bound to one subject and schema (`publisher.typed(subject, schema)`). The
 * subject and schema are checked at once: `ValidationError` for a bad subject, `ConfigError` for
 * a schema that is not a Standard Schema.
 */
export function typedPublisher<S extends StandardSchemaV1>(
  publisher: Publisher,
  subject: string,
  schema: S,
): TypedPublisher<S> {
  assertSubject(subject, "publish");
  if (schema === undefined) {
    throw new ValidationError("schema", "typed(subject, schema) needs a schema");
  }
  assertSchemaOption(schema, "typed publisher");
  return {
    subject,
    schema,
    publish(data: InferInput<S>, options: PublishOptions = {}): Promise<PubAck> {
      return publisher.publish(subject, data as never, { ...options, schema });
    },
    publishAsync(data: InferInput<S>, options: PublishOptions = {}): Promise<PublishFuture> {
      return publisher.publishAsync(subject, data as never, { ...options, schema });
    },
  };
}
