import https from "node:https";
import type { TLSSocket } from "node:tls";
import { describe, expect, inject, it } from "vitest";
import { TestClient } from "../support/matrix-test-client.ts";

const stack = inject("stack");

function federationVersion(
  address: string,
): Promise<{ status: number; protocol: string; body: string }> {
  const [host, port] = address.split(":");
  return new Promise((resolve, reject) => {
    const req = https.get(
      // Self-signed local certificates: this checks that TLS is spoken, not who signed it.
      {
        host,
        port: Number(port),
        path: "/_matrix/federation/v1/version",
        rejectUnauthorized: false,
      },
      (res) => {
        const protocol = (res.socket as TLSSocket).getProtocol() ?? "";
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            protocol,
            body,
          }),
        );
      },
    );
    req.on("error", reject);
  });
}

describe("a federation of agency homeservers", () => {
  it("serves federation over TLS on each homeserver's own loopback address", async () => {
    for (const hs of stack.homeservers) {
      const res = await federationVersion(hs.federationAddress);
      expect(res.status).toBe(200);
      expect(res.protocol).toMatch(/^TLSv1\.[23]$/);
      expect(JSON.parse(res.body).server.name).toBe("Synapse");
    }
  });

  it("lets a user of ministry A invite a user of ministry B, who joins; messages flow both ways", async () => {
    const alice = await TestClient.demo(stack, "ministere-a");
    const chloe = await TestClient.demo(stack, "ministere-b");

    const roomId = await alice.createRoom({ name: "Coordination A–B", preset: "private_chat" });
    await alice.invite(roomId, chloe.userId);
    await chloe.waitForInvite(roomId);
    await chloe.join(roomId);

    const fromA = `Bonjour de A ${Date.now()}`;
    await alice.send(roomId, fromA);
    const seenByB = await chloe.waitForEvent(roomId, (e) => e.content.body === fromA);
    expect(seenByB.sender).toBe(alice.userId);

    const fromB = `Réponse de B ${Date.now()}`;
    await chloe.send(roomId, fromB);
    const seenByA = await alice.waitForEvent(roomId, (e) => e.content.body === fromB);
    expect(seenByA.sender).toBe(chloe.userId);
  });

  it("has demo accounts whose display names carry their agency", async () => {
    const alice = await TestClient.demo(stack, "ministere-a");
    const profile = await alice.request<{ displayname: string }>(
      `/_matrix/client/v3/profile/${encodeURIComponent(alice.userId)}`,
    );
    expect(profile.displayname).toBe("Alice Martin [Min. A]");
  });

  it("advertises the MatrixRTC focus in /.well-known/matrix/client", async () => {
    const hs = stack.homeservers[0]!;
    const res = await fetch(`${hs.clientUrl}/.well-known/matrix/client`);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body["m.homeserver"]).toEqual({ base_url: `${hs.clientUrl}/` });
    expect(body["org.matrix.msc4143.rtc_foci"]).toEqual([
      {
        type: "livekit",
        livekit_service_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      },
    ]);
  });
});
