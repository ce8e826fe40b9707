import { readFile } from "node:fs/promises";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { rtcLogFiles } from "../../rtc/stack/rtc-service.ts";
import { TestClient } from "../support/matrix-test-client.ts";
import {
  getTokenBody,
  postJson,
  postText,
  requestOpenIdToken,
  testDataDir,
  type OpenIdToken,
} from "../support/rtc-auth-client.ts";

const stack = inject("stack");
const projectRoot = inject("projectRoot");

/** Every secret a test hands the service, to check none reaches its log. */
const secretsSeen: string[] = [];

/**
 * Synapse's OpenID tokens live one hour and the lifetime is not configurable, so the test
 * shortens this token's life in the homeserver's own database: the homeserver itself then
 * refuses it as expired, exactly as after an hour.
 */
function expireOpenIdToken(homeserverId: string, token: string): void {
  const hs = stack.homeservers.find((h) => h.id === homeserverId)!;
  const db = new DatabaseSync(path.join(hs.dir, "homeserver.db"));
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    const changed = db
      .prepare("UPDATE open_id_tokens SET ts_valid_until_ms = ? WHERE token = ?")
      .run(Date.now() - 1000, token).changes;
    if (changed !== 1) throw new Error("the OpenID token is not in the homeserver's database");
  } finally {
    db.close();
  }
}

describe("MatrixRTC authorization service: refusals", () => {
  let url: string;
  let alice: TestClient;
  let bruno: TestClient;
  let chloe: TestClient;
  let roomId: string;

  const fresh = async (client: TestClient): Promise<OpenIdToken> => {
    const token = await requestOpenIdToken(client);
    secretsSeen.push(token.access_token);
    return token;
  };

  beforeAll(async () => {
    url = stack.services.rtcAuth!.url;
    alice = await TestClient.demo(stack, "ministere-a", 0);
    bruno = await TestClient.demo(stack, "ministere-a", 1);
    chloe = await TestClient.demo(stack, "ministere-b", 0);
    roomId = await alice.createRoom({ name: "rtc refusals" });
  });

  it("a forged OpenID token is refused with 401", async () => {
    const forged = {
      access_token: "forged-token-not-issued-by-any-homeserver",
      token_type: "Bearer",
      matrix_server_name: "ministere-a.localhost",
      expires_in: 3600,
    };
    const res = await postJson(
      `${url}/get_token`,
      getTokenBody(roomId, forged, { claimed_user_id: alice.userId }),
    );
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ errcode: "M_UNAUTHORIZED", reason: "openid_token_rejected" });
    const legacy = await postJson(`${url}/sfu/get`, { room: roomId, openid_token: forged });
    expect(legacy.status).toBe(401);
  });

  it("an expired OpenID token is refused with 401", async () => {
    const token = await fresh(alice);
    const body = getTokenBody(roomId, token, { claimed_user_id: alice.userId });
    expect((await postJson(`${url}/get_token`, body)).status).toBe(200);
    expireOpenIdToken("ministere-a", token.access_token);
    const res = await postJson(`${url}/get_token`, body);
    expect(res.status).toBe(401);
    expect(res.json.reason).toBe("openid_token_rejected");
  });

  it("a token reused by another user is refused: as themselves (401) or on their own server (401)", async () => {
    const alicesToken = await fresh(alice);
    // Chloé (ministere-b) presents Alice's token, claiming to be herself.
    const asHerself = await postJson(
      `${url}/get_token`,
      getTokenBody(roomId, alicesToken, { claimed_user_id: chloe.userId }),
    );
    expect(asHerself.status).toBe(401);
    expect(asHerself.json.reason).toBe("user_mismatch");
    // …or says the token comes from her own homeserver, which never issued it.
    const onHerServer = await postJson(
      `${url}/get_token`,
      getTokenBody(
        roomId,
        { ...alicesToken, matrix_server_name: "ministere-b.localhost" },
        { claimed_user_id: chloe.userId },
      ),
    );
    expect(onHerServer.status).toBe(401);
    expect(onHerServer.json.reason).toBe("openid_token_rejected");
  });

  it("a claimed_user_id other than the token's owner is refused with 401", async () => {
    const res = await postJson(
      `${url}/get_token`,
      getTokenBody(roomId, await fresh(alice), { claimed_user_id: bruno.userId }),
    );
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ errcode: "M_UNAUTHORIZED", reason: "user_mismatch" });
  });

  it("a server outside the federation is refused with 403, without being contacted", async () => {
    for (const server of ["matrix.org", "127.0.0.1:8448", "evil.localhost"]) {
      const t0 = Date.now();
      const res = await postJson(
        `${url}/get_token`,
        getTokenBody(
          roomId,
          { access_token: "x", token_type: "Bearer", matrix_server_name: server, expires_in: 3600 },
          { claimed_user_id: `@mallory:${server}` },
        ),
      );
      expect(res.status, server).toBe(403);
      expect(res.json).toMatchObject({
        errcode: "M_FORBIDDEN",
        reason: "server_not_in_federation",
      });
      // No discovery or network round trip happened.
      expect(Date.now() - t0).toBeLessThan(1000);
    }
  });

  it("malformed JSON is refused with 400 M_NOT_JSON, a wrong shape with 400 M_BAD_JSON", async () => {
    const notJson = await postText(`${url}/get_token`, '{"room_id": "!x:y",');
    expect(notJson.status).toBe(400);
    expect(notJson.json.errcode).toBe("M_NOT_JSON");
    const notUtf8 = await postText(`${url}/sfu/get`, new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]));
    expect(notUtf8.json.errcode).toBe("M_NOT_JSON");
    const wrongShape = await postJson(`${url}/get_token`, { room_id: roomId });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.json.errcode).toBe("M_BAD_JSON");
    expect(wrongShape.json.error).toMatch(/slot_id: is required/);
    const array = await postJson(`${url}/sfu/get`, [1, 2]);
    expect(array.status).toBe(400);
  });

  it("an oversized body is refused with 413, declared or streamed", async () => {
    const big = JSON.stringify({ room_id: "!x:y", padding: "x".repeat(100_000) });
    const declared = await postText(`${url}/get_token`, big);
    expect(declared.status).toBe(413);
    expect(declared.json).toMatchObject({ errcode: "M_TOO_LARGE", reason: "body_too_large" });
    // Chunked: no Content-Length to refuse early on; the count while reading catches it.
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++)
          controller.enqueue(new TextEncoder().encode("x".repeat(10_000)));
        controller.close();
      },
    });
    const streamed = await postText(`${url}/sfu/get`, "", {
      body: chunked,
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it("wrong methods and paths get JSON errors; CORS preflight is answered", async () => {
    const get = await fetch(`${url}/get_token`);
    expect(get.status).toBe(405);
    expect(((await get.json()) as { errcode: string }).errcode).toBe("M_UNRECOGNIZED");
    const missing = await fetch(`${url}/nowhere`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
    const preflight = await fetch(`${url}/get_token`, {
      method: "OPTIONS",
      headers: {
        origin: "http://127.0.0.1:1234",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Content-Type/i);
  });

  it("keeps tokens out of its log while logging every decision", async () => {
    const token = await fresh(alice);
    const ok = await postJson(
      `${url}/get_token`,
      getTokenBody(roomId, token, { claimed_user_id: alice.userId }),
    );
    secretsSeen.push(ok.json.jwt as string);
    const log = await readFile(rtcLogFiles(testDataDir(projectRoot)).auth, "utf8");
    expect(log).toMatch(/get_token: granted @alice/);
    expect(log).toMatch(/get_token: refused 401 user_mismatch/);
    expect(log).toMatch(/get_token: refused 403 server_not_in_federation/);
    expect(secretsSeen.length).toBeGreaterThan(4);
    for (const secret of secretsSeen) expect(log).not.toContain(secret);
    expect(log).not.toContain("forged-token-not-issued-by-any-homeserver");
    expect(log).not.toMatch(/access_token=/);
  });
});
