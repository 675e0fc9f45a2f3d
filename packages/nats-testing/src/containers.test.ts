import { describe, expect, it } from "vitest";
import { containerCommand } from "./containers.js";

describe("containerCommand", () => {
  it("enables JetStream and monitoring without the default test credentials", () => {
    const command = containerCommand({}, "s1");
    expect(command).toEqual(["-m", "8222", "--server_name", "s1", "-js"]);
    expect(command).not.toContain("--user");
  });

  it("maps auth, TLS files into the container, and extra args", () => {
    const command = containerCommand(
      {
        jetstream: false,
        token: "t",
        tls: { certFile: "/x/server-cert.pem", keyFile: "/x/server-key.pem", verify: true },
        args: ["-DV"],
      },
      "s1",
    );
    expect(command).not.toContain("-js");
    expect(command).toContain("--tlsverify");
    expect(command).toContain("/etc/nats-testing/server-cert.pem");
    expect(command.slice(-1)).toEqual(["-DV"]);
    expect(command[command.indexOf("--auth") + 1]).toBe("t");
  });
});
