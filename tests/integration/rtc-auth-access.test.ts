import { createHash } from "node:crypto";
import { RoomServiceClient, TokenVerifier } from "livekit-server-sdk";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createRoomRequest } from "../../homeserver-config/src/policy/room-types.ts";
import type { LiveKitKeys } from "../../rtc/stack/livekit-keys.ts";
import { TestClient } from "../support/matrix-test-client.ts";
import {
  getTokenBody,
  postJson,
  requestOpenIdToken,
  testLiveKitKeys,
} from "../support/rtc-auth-client.ts";

const stack = inject("stack");
const projectRoot = inject("projectRoot");

const livekitRoom = (roomId: string) =>
  createHash("sha256")
    .update(JSON.stringify([roomId, "m.call#ROOM"]))
    .digest("base64")
    .replace(/=+$/, "");

describe("MatrixRTC authorization service: who may start a call", () => {
  let url: string;
  let keys: LiveKitKeys;
  let rooms: RoomServiceClient;
  let alice: TestClient;
  let emma: TestClient;

  beforeAll(async () => {
    url = stack.services.rtcAuth!.url;
    keys = await testLiveKitKeys(projectRoot);
    rooms = new RoomServiceClient(
      stack.services.sfu!.url.replace(/^ws/, "http"),
      keys.apiKey,
      keys.apiSecret,
    );
    alice = await TestClient.demo(stack, "ministere-a", 0);
    emma = await TestClient.demo(stack, "externe", 0);
  });

  it("an external user cannot start a call, but joins it once an agency member has", async () => {
    expect(emma.userId).toMatch(/:externe\.localhost$/);
    // A Tchap room open to external users (access rule "unrestricted", by invitation).
    const roomId = await alice.createRoom(
      createRoomRequest({
        type: "private_external",
        creatorUserId: alice.userId,
        name: "call with an external guest",
      }),
    );
    await alice.invite(roomId, emma.userId);
    await emma.waitForInvite(roomId);
    await emma.join(roomId, ["ministere-a.localhost"]);
    const room = livekitRoom(roomId);

    const first = await postJson(
      `${url}/get_token`,
      getTokenBody(roomId, await requestOpenIdToken(emma), { claimed_user_id: emma.userId }),
    );
    expect(first.status).toBe(403);
    expect(first.json).toMatchObject({ errcode: "M_FORBIDDEN", reason: "call_not_started" });
    expect(await rooms.listRooms([room])).toEqual([]);
    const legacy = await postJson(`${url}/sfu/get`, {
      room: roomId,
      openid_token: await requestOpenIdToken(emma),
      device_id: "EMMADEV",
    });
    expect(legacy.status).toBe(403);
    expect(await rooms.listRooms([room])).toEqual([]);

    const started = await postJson(
      `${url}/get_token`,
      getTokenBody(roomId, await requestOpenIdToken(alice), { claimed_user_id: alice.userId }),
    );
    expect(started.status).toBe(200);
    expect((await rooms.listRooms([room])).length).toBe(1);

    const joined = await postJson(
      `${url}/get_token`,
      getTokenBody(roomId, await requestOpenIdToken(emma), { claimed_user_id: emma.userId }),
    );
    expect(joined.status).toBe(200);
    const claims = await new TokenVerifier(keys.apiKey, keys.apiSecret).verify(
      joined.json.jwt as string,
    );
    expect(claims.video).toEqual({ roomJoin: true, room, canPublish: true, canSubscribe: true });
    const validate = await fetch(
      `${stack.services.sfu!.url.replace(/^ws/, "http")}/rtc/validate?access_token=${joined.json.jwt as string}`,
    );
    expect(validate.status).toBe(200);
  });
});
