import { readFile } from "node:fs/promises";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
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

const stack = inject("stack");
const projectRoot = inject("projectRoot");

/**
 * Second instances of the service, in this process, against the same real federation and SFU,
 * each with one setting changed. Their log lines are collected to check for leaks.
 */
describe("MatrixRTC authorization service: TLS, slow peers and slow clients", () => {
  const logLines: string[] = [];
  const secrets: string[] = [];
  const stops: (() => Promise<void>)[] = [];
  let alice: TestClient;
  let roomId: string;
  let base: AuthServiceConfig;
  let certificates: string[];

  const start = async (changes: Partial<AuthServiceConfig>) => {
    const service = await startAuthService({ ...base, ...changes });
    stops.push(() => service.stop());
    return service.url;
  };
  const aliceAsks = async (url: string) => {
    const token = await requestOpenIdToken(alice);
    secrets.push(token.access_token);
    const res = await postJson(
      `${url}/get_token`,
      getTokenBody(roomId, token, { claimed_user_id: alice.userId }),
    );
    if (typeof res.json.jwt === "string") secrets.push(res.json.jwt);
    return res;
  };

  beforeAll(async () => {
    alice = await TestClient.demo(stack, "ministere-a", 0);
    roomId = await alice.createRoom({ name: "rtc resilience" });
    const keys = await testLiveKitKeys(projectRoot);
    certificates = await Promise.all(
      stack.homeservers.map((hs) => readFile(localFiles(hs.dir).tlsCert, "utf8")),
    );
    base = {
      host: "127.0.0.1",
      port: 0,
      livekit: {
        url: stack.services.sfu!.url,
        apiUrl: stack.services.sfu!.url.replace(/^ws/, "http"),
        ...keys,
      },
      federation: stack.homeservers.map((hs) => ({
        serverName: hs.serverName,
        homeserverId: hs.id,
        external: hs.external,
      })),
      discovery: { tls: { verify: true, ca: certificates }, hosts: localHosts(stack.homeservers) },
      log: (line) => logLines.push(line),
    };
  });

  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  it("verifies homeserver certificates: an untrusted one is refused, a trusted one accepted", async () => {
    const untrusting = await start({
      discovery: { tls: { verify: true }, hosts: localHosts(stack.homeservers) },
    });
    const refused = await aliceAsks(untrusting);
    expect(refused.status).toBe(401);
    expect(refused.json.reason).toBe("homeserver_unreachable");
    expect(refused.json.error).toMatch(/TLS/);

    const trusting = await start({});
    expect((await aliceAsks(trusting)).status).toBe(200);

    // The local profile's escape hatch: verification off accepts the self-signed certificate.
    const insecure = await start({
      discovery: { tls: { verify: false }, hosts: localHosts(stack.homeservers) },
    });
    expect((await aliceAsks(insecure)).status).toBe(200);
  });

  it("checks the certificate's name: a trusted certificate for another server is refused", async () => {
    const a = stack.homeservers.find((h) => h.id === "ministere-a")!;
    const b = stack.homeservers.find((h) => h.id === "ministere-b")!;
    // ministere-a.localhost now resolves to ministere-b's listener, whose certificate is
    // trusted but names ministere-b.localhost.
    const misdirected = await start({
      discovery: {
        tls: { verify: true, ca: certificates },
        hosts: {
          ...localHosts(stack.homeservers),
          [a.serverName]: b.federationAddress.replace(/:\d+$/, ""),
        },
      },
    });
    const res = await aliceAsks(misdirected);
    expect(res.status).toBe(401);
    expect(res.json.error).toMatch(/TLS|ALTNAME/);
  });

  it("a homeserver that never answers gets a 401 within the timeout, not a hang", async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const url = await start({
        federation: [
          ...base.federation,
          { serverName: `silent.localhost:${port}`, homeserverId: "silent", external: false },
        ],
        discovery: { ...base.discovery, hosts: { "silent.localhost": "127.0.0.1" } },
        openIdTimeoutMs: 1500,
      });
      const t0 = Date.now();
      const res = await postJson(`${url}/get_token`, {
        room_id: roomId,
        slot_id: "m.call#ROOM",
        openid_token: {
          access_token: "whatever",
          token_type: "Bearer",
          matrix_server_name: `silent.localhost:${port}`,
          expires_in: 3600,
        },
        member: { id: "m", claimed_user_id: `@x:silent.localhost:${port}`, claimed_device_id: "D" },
      });
      expect(res.status).toBe(401);
      expect(res.json.reason).toBe("homeserver_unreachable");
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it("a client that stops sending its body gets 408", async () => {
    const url = new URL(await start({ limits: { bodyTimeoutMs: 500 } }));
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => {
        socket.write(
          "POST /get_token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
            'Content-Length: 200\r\n\r\n{"room_id":',
        );
      });
      let text = "";
      socket.on("data", (d: Buffer) => (text += d.toString()));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
      setTimeout(() => {
        socket.destroy();
        resolve(text);
      }, 3000);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toMatch(/"reason":"body_timeout"/);
  });

  it("none of these instances logged a token", () => {
    expect(logLines.join("\n")).toMatch(/refused 401 homeserver_unreachable/);
    expect(secrets.length).toBeGreaterThan(3);
    for (const s of secrets) expect(logLines.join("\n")).not.toContain(s);
  });
});
