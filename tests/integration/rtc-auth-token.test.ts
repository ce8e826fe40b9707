import { createHash } from "node:crypto";
import { RoomServiceClient, TokenVerifier } from "livekit-server-sdk";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { TestClient } from "../support/matrix-test-client.ts";
import {
  getTokenBody,
  postJson,
  requestOpenIdToken,
  testLiveKitKeys,
} from "../support/rtc-auth-client.ts";
import type { LiveKitKeys } from "../../rtc/stack/livekit-keys.ts";

const stack = inject("stack");
const projectRoot = inject("projectRoot");

/** lk-jwt-service's derivation, written out independently of rtc/auth/derive.ts. */
const hash = (parts: string[]) =>
  createHash("sha256").update(JSON.stringify(parts)).digest("base64").replace(/=+$/, "");

function httpUrl(wsUrl: string): string {
  return wsUrl.replace(/^ws/, "http");
}

describe("MatrixRTC authorization service: tokens for the federation's users", () => {
  let authUrl: string;
  let sfuUrl: string;
  let keys: LiveKitKeys;
  let alice: TestClient;
  let roomId: string;

  beforeAll(async () => {
    authUrl = stack.services.rtcAuth!.url;
    sfuUrl = stack.services.sfu!.url;
    keys = await testLiveKitKeys(projectRoot);
    alice = await TestClient.demo(stack, "ministere-a", 0);
    roomId = await alice.createRoom({ name: "rtc token test" });
  });

  it("is listed in stack.json and advertised by every homeserver", async () => {
    expect(authUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sfuUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    for (const hs of stack.homeservers) {
      const wellKnown = (await (
        await fetch(`${hs.clientUrl}/.well-known/matrix/client`)
      ).json()) as Record<string, unknown>;
      expect(wellKnown["org.matrix.msc4143.rtc_foci"]).toEqual([
        { type: "livekit", livekit_service_url: authUrl },
      ]);
    }
    // Synapse's MSC4143 transports endpoint, which Element Call asks first.
    for (const n of [0, 2]) {
      const client = await TestClient.demo(stack, stack.homeservers[n]!.id, 0);
      const transports = await client.request<{ rtc_transports?: unknown }>(
        "/_matrix/client/unstable/org.matrix.msc4143/rtc/transports",
      );
      expect(transports.rtc_transports).toEqual([
        { type: "livekit", livekit_service_url: authUrl },
      ]);
    }
    const health = await fetch(`${authUrl}/healthz`);
    expect(health.status).toBe(200);
  });

  it("/get_token: a valid OpenID token gets a LiveKit JWT with the right claims, and the room exists", async () => {
    const openid = await requestOpenIdToken(alice);
    const before = Math.floor(Date.now() / 1000);
    const res = await postJson(
      `${authUrl}/get_token`,
      getTokenBody(roomId, openid, { id: "member-abc", claimed_user_id: alice.userId }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.json.url).toBe(sfuUrl);

    // Signed with the SFU's API secret, by its API key.
    const claims = await new TokenVerifier(keys.apiKey, keys.apiSecret).verify(
      res.json.jwt as string,
    );
    const room = hash([roomId, "m.call#ROOM"]);
    expect(claims.iss).toBe(keys.apiKey);
    expect(claims.sub).toBe(hash([alice.userId, "TESTDEVICE", "member-abc"]));
    expect(claims.video).toEqual({ roomJoin: true, room, canPublish: true, canSubscribe: true });
    expect(claims.exp! - claims.nbf!).toBe(3600);
    expect(claims.exp!).toBeGreaterThanOrEqual(before + 3600);
    expect(claims.exp!).toBeLessThanOrEqual(before + 3600 + 5);

    // An agency user's request created the LiveKit room, and the SFU accepts the token for it.
    const rooms = new RoomServiceClient(httpUrl(sfuUrl), keys.apiKey, keys.apiSecret);
    expect((await rooms.listRooms([room])).map((r) => r.name)).toEqual([room]);
    const validate = await fetch(
      `${httpUrl(sfuUrl)}/rtc/validate?access_token=${res.json.jwt as string}`,
    );
    expect(validate.status).toBe(200);
  });

  it("/sfu/get (legacy): identity @user:server:DEVICE in the same LiveKit room", async () => {
    const openid = await requestOpenIdToken(alice);
    const res = await postJson(`${authUrl}/sfu/get`, {
      room: roomId,
      openid_token: openid,
      device_id: "LEGACYDEV",
    });
    expect(res.status).toBe(200);
    const claims = await new TokenVerifier(keys.apiKey, keys.apiSecret).verify(
      res.json.jwt as string,
    );
    expect(claims.sub).toBe(`${alice.userId}:LEGACYDEV`);
    expect(claims.video?.room).toBe(hash([roomId, "m.call#ROOM"]));
  });

  it("serves users of every agency homeserver, each validated by their own server", async () => {
    const chloe = await TestClient.demo(stack, "ministere-b", 0);
    const openid = await requestOpenIdToken(chloe);
    expect(openid.matrix_server_name).toBe("ministere-b.localhost");
    const res = await postJson(
      `${authUrl}/get_token`,
      getTokenBody(roomId, openid, { claimed_user_id: chloe.userId }),
    );
    expect(res.status).toBe(200);
    const claims = await new TokenVerifier(keys.apiKey, keys.apiSecret).verify(
      res.json.jwt as string,
    );
    expect(claims.video?.room).toBe(hash([roomId, "m.call#ROOM"]));
  });
});
