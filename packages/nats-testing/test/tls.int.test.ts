import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTlsFixtures, startServer, type TlsFixtures } from "../src/index.js";
import { connectOnce, withConnection } from "./helpers.js";

describe("TLS", () => {
  let fixtures: TlsFixtures;
  beforeAll(async () => {
    fixtures = await createTlsFixtures();
  });
  afterAll(async () => {
    await fixtures.cleanup();
    expect(existsSync(fixtures.dir)).toBe(false);
  });

  it("makes a CA, a localhost server certificate and a client certificate it signed", () => {
    const ca = new X509Certificate(readFileSync(fixtures.caFile));
    const server = new X509Certificate(readFileSync(fixtures.certFile));
    const client = new X509Certificate(readFileSync(fixtures.clientCertFile));
    const other = new X509Certificate(readFileSync(fixtures.otherCaFile));
    expect(ca.ca).toBe(true);
    expect(server.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1");
    expect(server.checkIssued(ca)).toBe(true);
    expect(client.checkIssued(ca)).toBe(true);
    expect(server.checkIssued(other)).toBe(false);
    const days = (Date.parse(server.validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(1);
    expect(days).toBeLessThanOrEqual(2.01);
  });

  it("a TLS server accepts a client that trusts the CA, and only such a client", async () => {
    await using server = await startServer({
      tls: { certFile: fixtures.certFile, keyFile: fixtures.keyFile },
    });
    await withConnection({ servers: server.url, tls: { caFile: fixtures.caFile } }, async (nc) => {
      expect(nc.info?.tls_required).toBe(true);
      const reply = await nc.request("$JS.API.INFO", undefined, { timeout: 2_000 });
      expect(reply.data.length).toBeGreaterThan(0);
    });
    await expect(
      connectOnce({ servers: server.url, tls: { caFile: fixtures.otherCaFile } }),
    ).rejects.toThrow();
  });

  it("mutual TLS (verify) requires a client certificate signed by the CA", async () => {
    await using server = await startServer({
      jetstream: false,
      tls: {
        certFile: fixtures.certFile,
        keyFile: fixtures.keyFile,
        caFile: fixtures.caFile,
        verify: true,
      },
    });
    const tls = {
      caFile: fixtures.caFile,
      certFile: fixtures.clientCertFile,
      keyFile: fixtures.clientKeyFile,
    };
    await withConnection({ servers: server.url, tls }, async (nc) => {
      expect(nc.info?.tls_verify).toBe(true);
      await nc.flush();
    });
    await expect(
      connectOnce({ servers: server.url, tls: { caFile: fixtures.caFile } }),
    ).rejects.toThrow();
  });
});
