import { describe, expect, it } from "vitest";
import { buildServerArgs, type ServerArgsSpec, validateAuth } from "./args.js";

const base: ServerArgsSpec = {
  host: "127.0.0.1",
  port: -1,
  monitorPort: -1,
  portsFileDir: "/tmp/x",
  serverName: "n1",
  jetstream: true,
  storeDir: "/tmp/x/store",
};

function valueAfter(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index < 0 ? undefined : args[index + 1];
}

describe("buildServerArgs", () => {
  it("binds loopback, random ports, a ports file and JetStream with its store dir", () => {
    const args = buildServerArgs(base);
    expect(valueAfter(args, "-a")).toBe("127.0.0.1");
    expect(valueAfter(args, "-p")).toBe("-1");
    expect(valueAfter(args, "-m")).toBe("-1");
    expect(valueAfter(args, "--ports_file_dir")).toBe("/tmp/x");
    expect(valueAfter(args, "--server_name")).toBe("n1");
    expect(args).toContain("-js");
    expect(valueAfter(args, "--store_dir")).toBe("/tmp/x/store");
  });

  it("keeps a fixed port and leaves JetStream off when asked", () => {
    const args = buildServerArgs({ ...base, port: 4333, monitorPort: 8333, jetstream: false });
    expect(valueAfter(args, "-p")).toBe("4333");
    expect(valueAfter(args, "-m")).toBe("8333");
    expect(args).not.toContain("-js");
    expect(args).not.toContain("--store_dir");
  });

  it("adds user/pass or a token", () => {
    const userArgs = buildServerArgs({ ...base, user: "alice", pass: "s3cret" });
    expect(valueAfter(userArgs, "--user")).toBe("alice");
    expect(valueAfter(userArgs, "--pass")).toBe("s3cret");
    expect(valueAfter(buildServerArgs({ ...base, token: "t0k" }), "--auth")).toBe("t0k");
  });

  it("uses --tls for server-only TLS and --tlsverify for mutual TLS", () => {
    const tls = { certFile: "/c.pem", keyFile: "/k.pem", caFile: "/ca.pem" };
    const serverOnly = buildServerArgs({ ...base, tls });
    expect(serverOnly).toContain("--tls");
    expect(serverOnly).not.toContain("--tlsverify");
    expect(valueAfter(serverOnly, "--tlscert")).toBe("/c.pem");
    expect(valueAfter(serverOnly, "--tlskey")).toBe("/k.pem");
    expect(valueAfter(serverOnly, "--tlscacert")).toBe("/ca.pem");
    const mutual = buildServerArgs({ ...base, tls: { ...tls, verify: true } });
    expect(mutual).toContain("--tlsverify");
    expect(mutual).not.toContain("--tls");
  });

  it("gives a cluster node its name, listen URL and every other node's route", () => {
    const args = buildServerArgs({
      ...base,
      cluster: { name: "c1", port: 6001, routePorts: [6002, 6003] },
    });
    expect(valueAfter(args, "--cluster_name")).toBe("c1");
    expect(valueAfter(args, "--cluster")).toBe("nats://127.0.0.1:6001");
    expect(valueAfter(args, "--routes")).toBe("nats://127.0.0.1:6002,nats://127.0.0.1:6003");
  });

  it("appends extra args last", () => {
    const args = buildServerArgs({ ...base, extraArgs: ["-DV", "--max_payload", "2048"] });
    expect(args.slice(-3)).toEqual(["-DV", "--max_payload", "2048"]);
  });
});

describe("validateAuth", () => {
  it("rejects half-set or mixed credentials", () => {
    expect(() => validateAuth({ user: "alice" })).toThrow(TypeError);
    expect(() => validateAuth({ pass: "x" })).toThrow(/set together/);
    expect(() => validateAuth({ user: "a", pass: "b", token: "t" })).toThrow(/token/);
    expect(() => validateAuth({ token: "" })).toThrow(/empty/);
    expect(() => validateAuth({ user: "a", pass: "b" })).not.toThrow();
    expect(() => validateAuth({})).not.toThrow();
  });
});
