import { execFile } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { NatsTestingError } from "./errors.js";
import { makeTempDir, removeDir } from "./temp-dir.js";

/** PEM files made by `createTlsFixtures`. */
export interface TlsFixtures {
  /** The directory holding the files. */
  dir: string;
  /** The test CA certificate: trust it in clients, and give it to the server for mutual TLS. */
  caFile: string;
  /** Server certificate for `localhost`, SAN `DNS:localhost, IP:127.0.0.1`, signed by the CA. */
  certFile: string;
  /** The server certificate's key. */
  keyFile: string;
  /** A client certificate signed by the CA (for `--tlsverify`). */
  clientCertFile: string;
  /** The client certificate's key. */
  clientKeyFile: string;
  /** An unrelated CA certificate, for "wrong CA" tests: it verifies none of the above. */
  otherCaFile: string;
  /** Removes the files (and the directory when `createTlsFixtures` made it). */
  cleanup(): Promise<void>;
}

const VALIDITY_DAYS = "2";

/** A minimal openssl config, so the system's openssl.cnf (if any) plays no part. */
const REQ_CONFIG = "[req]\ndistinguished_name = dn\n[dn]\n";

const CA_EXTENSIONS = [
  "basicConstraints=critical,CA:TRUE",
  "keyUsage=critical,keyCertSign,cRLSign",
  "subjectKeyIdentifier=hash",
].join("\n");

function leafExtensions(usage: "serverAuth" | "clientAuth", san?: string): string {
  const lines = [
    "basicConstraints=critical,CA:FALSE",
    "keyUsage=critical,digitalSignature",
    `extendedKeyUsage=${usage}`,
    "subjectKeyIdentifier=hash",
    "authorityKeyIdentifier=keyid",
  ];
  if (san) lines.push(`subjectAltName=${san}`);
  return `${lines.join("\n")}\n`;
}

function openssl(args: readonly string[], cwd: string): Promise<void> {
  const bin = process.env.OPENSSL_BIN ?? "openssl";
  return new Promise((resolve, reject) => {
    execFile(bin, args, { cwd, timeout: 30_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      reject(
        new NatsTestingError(
          `openssl ${args[0]} failed: ${error.message}${stderr ? `\n${stderr}` : ""}`,
          "PROCESS_FAILED",
          { cause: error },
        ),
      );
    });
  });
}

function newKey(file: string, cwd: string): Promise<void> {
  return openssl(
    ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file],
    cwd,
  );
}

async function newCa(prefix: string, commonName: string, cwd: string): Promise<void> {
  await newKey(`${prefix}-key.pem`, cwd);
  await openssl(
    [
      ...["req", "-x509", "-new", "-config", "req.cnf", "-key", `${prefix}-key.pem`],
      ...["-sha256", "-days", VALIDITY_DAYS, "-subj", `/CN=${commonName}`],
      ...["-extensions", "ca_ext", "-out", `${prefix}.pem`],
    ],
    cwd,
  );
}

async function newLeaf(prefix: string, commonName: string, extFile: string, cwd: string) {
  await newKey(`${prefix}-key.pem`, cwd);
  await openssl(
    [
      ...["req", "-new", "-config", "req.cnf", "-key", `${prefix}-key.pem`],
      ...["-subj", `/CN=${commonName}`, "-out", `${prefix}.csr`],
    ],
    cwd,
  );
  const serial = `0x${Date.now().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
  await openssl(
    [
      ...["x509", "-req", "-in", `${prefix}.csr`, "-CA", "ca.pem", "-CAkey", "ca-key.pem"],
      ...["-set_serial", serial, "-days", VALIDITY_DAYS, "-sha256", "-extfile", extFile],
      ...["-out", `${prefix}-cert.pem`],
    ],
    cwd,
  );
}

/**
 * Generates TLS test material with the `openssl` CLI (`OPENSSL_BIN` or `openssl` on PATH):
 * a CA, a server certificate for localhost/127.0.0.1, a client certificate, and an unrelated
 * second CA. EC P-256 keys, valid for 2 days. Writes into `dir` (created if needed) or a
 * fresh temp dir.
 */
export async function createTlsFixtures(dir?: string): Promise<TlsFixtures> {
  const ownDir = dir === undefined;
  const target = dir ?? makeTempDir("helix-nats-tls-");
  await mkdir(target, { recursive: true });
  const scratch = ["req.cnf", "server.ext", "client.ext", "server.csr", "client.csr"];
  const products = ["ca", "ca-key", "server-cert", "server-key", "client-cert", "client-key"]
    .concat(["other-ca", "other-ca-key"])
    .map((name) => `${name}.pem`);
  const cleanup = async () => {
    if (ownDir) await removeDir(target);
    else await Promise.all(products.map((file) => rm(join(target, file), { force: true })));
  };
  try {
    await writeFile(join(target, "req.cnf"), `${REQ_CONFIG}[ca_ext]\n${CA_EXTENSIONS}\n`);
    await writeFile(
      join(target, "server.ext"),
      leafExtensions("serverAuth", "DNS:localhost,IP:127.0.0.1"),
    );
    await writeFile(join(target, "client.ext"), leafExtensions("clientAuth"));
    await newCa("ca", "helix-nats-testing CA", target);
    await Promise.all([
      newLeaf("server", "localhost", "server.ext", target),
      newLeaf("client", "helix-nats-testing client", "client.ext", target),
      newCa("other-ca", "helix-nats-testing unrelated CA", target),
    ]);
  } catch (error) {
    await cleanup();
    throw error;
  } finally {
    await Promise.all(scratch.map((file) => rm(join(target, file), { force: true })));
  }
  return {
    dir: target,
    caFile: join(target, "ca.pem"),
    certFile: join(target, "server-cert.pem"),
    keyFile: join(target, "server-key.pem"),
    clientCertFile: join(target, "client-cert.pem"),
    clientKeyFile: join(target, "client-key.pem"),
    otherCaFile: join(target, "other-ca.pem"),
    cleanup,
  };
}
