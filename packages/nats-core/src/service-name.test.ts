import { describe, expect, it } from "vitest";
import { detectServiceName } from "./service-name.js";

describe("detectServiceName", () => {
  const argv = ["/usr/bin/node", "/srv/app/dist/orders-api.js"];

  it.each([
    [
      "Kubernetes pod",
      { KUBERNETES_SERVICE_HOST: "10.0.0.1", HOSTNAME: "orders-7f9c" },
      "orders-7f9c",
    ],
    ["Nomad job", { NOMAD_JOB_NAME: "orders" }, "orders"],
    ["Render service", { RENDER_SERVICE_ID: "srv-123" }, "srv-123"],
    ["plain process", { HOSTNAME: "laptop" }, "orders-api"],
  ])("%s", (_platform, env, expected) => {
    expect(detectServiceName(env, argv)).toBe(expected);
  });

  it("uses the folder for an index script and falls back to the executable", () => {
    expect(detectServiceName({}, ["/usr/bin/node", "/srv/billing/index.js"])).toBe("billing");
    expect(detectServiceName({}, ["/usr/bin/node"])).toBe("node");
  });
});
