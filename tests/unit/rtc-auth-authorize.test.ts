import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { authorize, type AuthorizeDeps } from "../../rtc/auth/authorize.ts";
import { livekitRoomName, memberIdentity } from "../../rtc/auth/derive.ts";
import { AuthRefusal, unauthorized } from "../../rtc/auth/errors.ts";
import { JOIN_TOKEN_TTL_SECONDS, mintJoinToken } from "../../rtc/auth/join-token.ts";
import { FederationPolicy } from "../../rtc/auth/policy.ts";
import type { ParsedRequest } from "../../rtc/auth/requests.ts";

/** Fakes for the homeservers and the SFU, recording every call made to them. */
function deps(tokens: Record<string, string>, existingRooms: string[] = []) {
  const calls: string[] = [];
  const rooms = new Set(existingRooms);
  const d: AuthorizeDeps = {
    policy: new FederationPolicy([
      { serverName: "ministere-a.localhost", homeserverId: "ministere-a", external: false },
      { serverName: "externe.localhost", homeserverId: "externe", external: true },
    ]),
    openId: {
      async userId(serverName, accessToken) {
        calls.push(`userinfo ${serverName}`);
        const user = tokens[accessToken];
        if (!user || !user.endsWith(`:${serverName}`)) {
          throw unauthorized("openid_token_rejected", "unknown token");
        }
        return user;
      },
    },
    rooms: {
      async ensureRoom(name) {
        calls.push(`create ${name}`);
        rooms.add(name);
      },
      async roomExists(name) {
        calls.push(`list ${name}`);
        return rooms.has(name);
      },
    },
    credentials: { apiKey: "APIkey", apiSecret: "s".repeat(32) },
    mint: mintJoinToken,
    livekitUrl: "ws://sfu.test",
  };
  return { d, calls, rooms };
}

const slot = (token: string, server: string, claimed: string): ParsedRequest => ({
  kind: "slot",
  request: {
    room_id: "!room:ministere-a.localhost",
    slot_id: "m.call#ROOM",
    openid_token: { access_token: token, matrix_server_name: server },
    member: { id: "member-1", claimed_user_id: claimed, claimed_device_id: "DEV" },
  },
});

async function refusedWith(p: Promise<unknown>): Promise<AuthRefusal> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof AuthRefusal)) throw new Error(`expected a refusal, got ${String(e)}`);
  return e;
}

const ALICE = "@alice:ministere-a.localhost";
const EMMA = "@emma:externe.localhost";
const ROOM = livekitRoomName("!room:ministere-a.localhost");

describe("authorizing a call", () => {
  it("an agency user gets a token and the room is created", async () => {
    const { d, calls } = deps({ ta: ALICE });
    const grant = await authorize(slot("ta", "ministere-a.localhost", ALICE), d);
    expect(grant).toMatchObject({
      url: "ws://sfu.test",
      userId: ALICE,
      access: "full",
      room: ROOM,
    });
    expect(calls).toEqual(["userinfo ministere-a.localhost", `create ${ROOM}`]);
    const claims = decodeJwt(grant.jwt);
    expect(claims).toMatchObject({
      iss: "APIkey",
      sub: memberIdentity(ALICE, "DEV", "member-1"),
      video: { roomJoin: true, room: ROOM, canPublish: true, canSubscribe: true },
    });
    expect(claims.exp! - claims.nbf!).toBe(JOIN_TOKEN_TTL_SECONDS);
  });

  it("refuses a server outside the federation without contacting it", async () => {
    const { d, calls } = deps({});
    const e = await refusedWith(authorize(slot("t", "evil.example", "@x:evil.example"), d));
    expect(e).toMatchObject({ status: 403, reason: "server_not_in_federation" });
    expect(calls).toEqual([]);
  });

  it("matches server names case-insensitively but validates with the canonical name", async () => {
    const { d, calls } = deps({ ta: ALICE });
    await authorize(slot("ta", "MINISTERE-A.localhost", ALICE), d);
    expect(calls[0]).toBe("userinfo ministere-a.localhost");
  });

  it("refuses a token whose owner is not the claimed user, and creates nothing", async () => {
    const { d, calls } = deps({ ta: ALICE });
    const e = await refusedWith(
      authorize(slot("ta", "ministere-a.localhost", "@bruno:ministere-a.localhost"), d),
    );
    expect(e).toMatchObject({ status: 401, errcode: "M_UNAUTHORIZED", reason: "user_mismatch" });
    expect(calls).toEqual(["userinfo ministere-a.localhost"]);
  });

  it("an external user may not start a call: the room is not created", async () => {
    const { d, calls, rooms } = deps({ te: EMMA });
    const e = await refusedWith(authorize(slot("te", "externe.localhost", EMMA), d));
    expect(e).toMatchObject({ status: 403, errcode: "M_FORBIDDEN", reason: "call_not_started" });
    expect(calls).toEqual(["userinfo externe.localhost", `list ${ROOM}`]);
    expect(rooms.size).toBe(0);
  });

  it("an external user may join a call that exists", async () => {
    const { d, calls } = deps({ te: EMMA }, [ROOM]);
    const grant = await authorize(slot("te", "externe.localhost", EMMA), d);
    expect(grant.access).toBe("restricted");
    expect(calls).not.toContain(`create ${ROOM}`);
    expect(decodeJwt(grant.jwt).video).toMatchObject({ room: ROOM, roomJoin: true });
  });

  it("/sfu/get: identity is @user:server:DEVICE, slot m.call#ROOM", async () => {
    const { d } = deps({ ta: ALICE });
    const grant = await authorize(
      {
        kind: "legacy",
        request: {
          room: "!room:ministere-a.localhost",
          device_id: "DEV",
          openid_token: { access_token: "ta", matrix_server_name: "ministere-a.localhost" },
        },
      },
      d,
    );
    expect(decodeJwt(grant.jwt)).toMatchObject({ sub: `${ALICE}:DEV`, video: { room: ROOM } });
  });
});
