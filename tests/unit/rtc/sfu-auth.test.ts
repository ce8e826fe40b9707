import { AccessToken } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import {
  joinGrant,
  requireAdminGrant,
  SfuAuthError,
  verifyAccessToken,
} from "../../../rtc/sfu/auth.ts";

const KEY = "key";
const SECRET = "unit-secret-0123456789abcdef0123456789";

async function token(
  grant: Record<string, unknown>,
  opts: { secret?: string; ttl?: number | string; identity?: string; key?: string } = {},
) {
  const at = new AccessToken(opts.key ?? KEY, opts.secret ?? SECRET, {
    identity: opts.identity ?? "alice",
    ttl: opts.ttl ?? "1h",
  });
  at.addGrant(grant);
  return at.toJwt();
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === "function" ? p() : p);
    return undefined;
  } catch (e) {
    return e instanceof SfuAuthError ? e.code : `unexpected ${String(e)}`;
  }
}

describe("verifyAccessToken", () => {
  it("accepts a token signed with the API secret and returns its claims", async () => {
    const claims = await verifyAccessToken(await token({ roomJoin: true, room: "r" }), KEY, SECRET);
    expect(claims.sub).toBe("alice");
    expect(claims.video?.room).toBe("r");
  });

  it("refuses missing, forged, foreign-issuer and garbage tokens", async () => {
    expect(await codeOf(verifyAccessToken(undefined, KEY, SECRET))).toBe("missing_token");
    expect(
      await codeOf(verifyAccessToken(await token({}, { secret: "x".repeat(40) }), KEY, SECRET)),
    ).toBe("invalid_token");
    expect(await codeOf(verifyAccessToken(await token({}, { key: "other" }), KEY, SECRET))).toBe(
      "invalid_token",
    );
    expect(await codeOf(verifyAccessToken("not.a.jwt", KEY, SECRET))).toBe("invalid_token");
  });

  it("refuses expired tokens with their own code", async () => {
    const t = await token({ roomJoin: true, room: "r" }, { ttl: 60 });
    const later = new Date(Date.now() + 10 * 60_000);
    expect(await codeOf(verifyAccessToken(t, KEY, SECRET, later))).toBe("expired_token");
  });
});

describe("joinGrant", () => {
  it("needs roomJoin and a room, and checks the expected room", async () => {
    const claims = await verifyAccessToken(await token({ roomJoin: true, room: "r" }), KEY, SECRET);
    expect(joinGrant(claims).room).toBe("r");
    expect(await codeOf(() => joinGrant(claims, "other"))).toBe("wrong_room");
    const noJoin = await verifyAccessToken(await token({ room: "r" }), KEY, SECRET);
    expect(await codeOf(() => joinGrant(noJoin))).toBe("no_join_grant");
    const noRoom = await verifyAccessToken(await token({ roomJoin: true }), KEY, SECRET);
    expect(await codeOf(() => joinGrant(noRoom))).toBe("no_room");
  });

  it("defaults publish and subscribe to allowed when neither is set, data to allowed", async () => {
    const g = joinGrant(
      await verifyAccessToken(await token({ roomJoin: true, room: "r" }), KEY, SECRET),
    );
    expect([g.canPublish, g.canSubscribe, g.canPublishData]).toEqual([true, true, true]);
  });

  it("honours explicit canPublish / canSubscribe / canPublishData", async () => {
    const g = joinGrant(
      await verifyAccessToken(
        await token({ roomJoin: true, room: "r", canSubscribe: true, canPublishData: false }),
        KEY,
        SECRET,
      ),
    );
    expect([g.canPublish, g.canSubscribe, g.canPublishData]).toEqual([false, true, false]);
  });
});

describe("requireAdminGrant", () => {
  it("checks the grant and scopes roomAdmin to the token's room", async () => {
    const list = await verifyAccessToken(await token({ roomList: true }), KEY, SECRET);
    expect(() => requireAdminGrant(list, "roomList")).not.toThrow();
    expect(await codeOf(() => requireAdminGrant(list, "roomCreate"))).toBe("missing_grant");
    const admin = await verifyAccessToken(await token({ roomAdmin: true, room: "a" }), KEY, SECRET);
    expect(() => requireAdminGrant(admin, "roomAdmin", "a")).not.toThrow();
    expect(await codeOf(() => requireAdminGrant(admin, "roomAdmin", "b"))).toBe("wrong_room");
  });
});
