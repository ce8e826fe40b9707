import { mkdtemp, readFile, rm } from "node:fs/promises";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureSelfSignedCert } from "../../homeserver-config/src/keys.ts";
import { localFiles } from "../../homeserver-config/src/render/synapse-local.ts";
import { startAuthService, type AuthServiceConfig } from "../../rtc/auth/service.ts";
import { localHosts } from "../../rtc/stack/rtc-service.ts";
import { TestClient } from "../support/matrix-test-client.ts";
import {
  getTokenBody,
  postJson,
  requestOpenIdToken,
  testLiveKitKeys,
} from "../support/rtc-auth-client.ts";
import { startTestDnsServer } from "../support/test-dns-server.ts";

const stack = inject("stack");
const projectRoot = inject("projectRoot");

/**
 * Discovery over real sockets: a `.well-known/matrix/server` on port 443 and SRV records from a
 * DNS server, both on this test's own loopback addresses, leading to ministere-a's real
 * federation listener. Each case starts its own service (discovery results are cached).
 */
describe("MatrixRTC authorization service: federation server discovery", () => {
  const hsA = stack.homeservers.find((h) => h.id === "ministere-a")!;
  const [hsAIp, hsAPort] = hsA.federationAddress.split(":") as [string, string];
  const prefix = hsAIp.replace(/\.\d+$/, "");
  const stops: (() => Promise<void>)[] = [];
  let tmp: string;
  let base: AuthServiceConfig;
  let certificates: string[];
  let alice: TestClient;
  let roomId: string;

  const aliceGetsToken = async (changes: Partial<AuthServiceConfig>) => {
    const service = await startAuthService({ ...base, ...changes });
    stops.push(() => service.stop());
    return postJson(
      `${service.url}/get_token`,
      getTokenBody(roomId, await requestOpenIdToken(alice), { claimed_user_id: alice.userId }),
    );
  };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "rtc-discovery-"));
    alice = await TestClient.demo(stack, "ministere-a", 0);
    roomId = await alice.createRoom({ name: "rtc discovery" });
    certificates = await Promise.all(
      stack.homeservers.map((hs) => readFile(localFiles(hs.dir).tlsCert, "utf8")),
    );
    const keys = await testLiveKitKeys(projectRoot);
    base = {
      host: "127.0.0.1",
      port: 0,
      livekit: { url: stack.services.sfu!.url, ...keys },
      federation: stack.homeservers.map((hs) => ({
        serverName: hs.serverName,
        homeserverId: hs.id,
        external: hs.external,
      })),
      discovery: { tls: { verify: true, ca: certificates } },
    };
  });

  afterAll(async () => {
    for (const stop of stops) await stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it("follows /.well-known/matrix/server (through a redirect) to a delegated address", async () => {
    // The server name's own host serves only .well-known, with a certificate for its name.
    const wellKnownIp = `${prefix}.60`;
    await ensureSelfSignedCert(path.join(tmp, "wk.crt"), path.join(tmp, "wk.key"), hsA.serverName);
    const wkCert = await readFile(path.join(tmp, "wk.crt"), "utf8");
    const seen: string[] = [];
    const server = https.createServer(
      { cert: wkCert, key: await readFile(path.join(tmp, "wk.key"), "utf8") },
      (req, res) => {
        seen.push(`${req.headers.host} ${req.url}`);
        if (req.url === "/.well-known/matrix/server") {
          res.writeHead(302, { location: "/moved/server.json" }).end();
        } else if (req.url === "/moved/server.json") {
          res
            .writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify({ "m.server": `${hsAIp}:${hsAPort}` }));
        } else res.writeHead(404).end();
      },
    );
    await new Promise<void>((r) => server.listen(443, wellKnownIp, () => r()));
    stops.push(() => new Promise<void>((r) => server.close(() => r())));

    const res = await aliceGetsToken({
      discovery: {
        tls: { verify: true, ca: [...certificates, wkCert] },
        hosts: { ...localHosts(stack.homeservers), [hsA.serverName]: wellKnownIp },
      },
    });
    expect(res.status).toBe(200);
    expect(seen).toEqual([
      `${hsA.serverName} /.well-known/matrix/server`,
      `${hsA.serverName} /moved/server.json`,
    ]);
  });

  it("uses SRV _matrix-fed._tcp records, certificate checked for the server name", async () => {
    const dns = await startTestDnsServer(`${prefix}.53`, 5353, {
      [`_matrix-fed._tcp.${hsA.serverName}`]: {
        srv: [{ target: "fed-a.rtc-test", port: Number(hsAPort) }],
      },
      "fed-a.rtc-test": { a: hsAIp },
      // Nothing listens on :443 there: no .well-known.
      [hsA.serverName]: { a: `${prefix}.61` },
    });
    stops.push(() => dns.close());
    const res = await aliceGetsToken({
      discovery: { tls: { verify: true, ca: certificates }, dnsServers: [dns.address] },
    });
    expect(res.status).toBe(200);
    expect(dns.questions).toEqual([
      `A ${hsA.serverName}`,
      `SRV _matrix-fed._tcp.${hsA.serverName}`,
      "A fed-a.rtc-test",
    ]);
  });

  it("falls back to the deprecated _matrix._tcp SRV record", async () => {
    const dns = await startTestDnsServer(`${prefix}.54`, 5353, {
      [`_matrix-fed._tcp.${hsA.serverName}`]: {},
      [`_matrix._tcp.${hsA.serverName}`]: {
        srv: [{ target: "old-a.rtc-test", port: Number(hsAPort) }],
      },
      "old-a.rtc-test": { a: hsAIp },
      [hsA.serverName]: { a: `${prefix}.61` },
    });
    stops.push(() => dns.close());
    const res = await aliceGetsToken({
      discovery: { tls: { verify: true, ca: certificates }, dnsServers: [dns.address] },
    });
    expect(res.status).toBe(200);
    expect(dns.questions).toContain(`SRV _matrix._tcp.${hsA.serverName}`);
    expect(dns.questions.at(-1)).toBe("A old-a.rtc-test");
  });
});
