import { readFileSync } from "node:fs";
import { type ClientInfo, copyHeaders, MiddlewareStack } from "@helix/nats-core";
import { expect, it, vi } from "vitest";
import { createSdk, sdkOptions } from "../test/helpers.js";
import { otel } from "./plugin.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const client: ClientInfo = { name: "scope-test", serverAddress: "127.0.0.1", serverPort: 4222 };

it("the tracer and the meter carry the package's name and version as their scope", async () => {
  expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
  const sdk = createSdk();
  const getMeter = vi.spyOn(sdk.meterProvider, "getMeter");
  const stack = new MiddlewareStack();
  otel(sdkOptions(sdk)).install(stack);

  await stack.run(
    {
      kind: "publish",
      client,
      subject: "orders.created",
      headers: copyHeaders(),
      payload: new Uint8Array(1),
      msgID: undefined,
      async: false,
      attempt: 1,
    },
    () => Promise.resolve(undefined),
  );

  expect(sdk.spans().map((s) => [s.name, s.instrumentationScope])).toEqual([
    [
      "send orders.created",
      { name: "@helix/nats-otel", version: pkg.version, schemaUrl: undefined },
    ],
  ]);
  expect(getMeter.mock.calls).toEqual([["@helix/nats-otel", pkg.version]]);
  await sdk.shutdown();
});
