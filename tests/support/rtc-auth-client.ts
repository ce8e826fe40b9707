/**
 * What a MatrixRTC client does with the authorization service, over plain HTTP: ask its
 * homeserver for an OpenID token, post it to `/get_token` or `/sfu/get`.
 */
import path from "node:path";
import { readFile } from "node:fs/promises";
import { testInstance } from "../../homeserver-config/src/local/instance.ts";
import { livekitKeysFile, type LiveKitKeys } from "../../rtc/stack/livekit-keys.ts";
import type { TestClient } from "./matrix-test-client.ts";

export interface OpenIdToken {
  access_token: string;
  token_type: string;
  matrix_server_name: string;
  expires_in: number;
}

export function requestOpenIdToken(client: TestClient): Promise<OpenIdToken> {
  return client.request<OpenIdToken>(
    `/_matrix/client/v3/user/${encodeURIComponent(client.userId)}/openid/request_token`,
    { method: "POST", body: {} },
  );
}

export interface JsonAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  json: T;
}

/** Posts raw text (so tests can send broken JSON) and reads the JSON answer. */
export async function postText(
  url: string,
  text: string | Uint8Array<ArrayBuffer>,
  init: RequestInit = {},
): Promise<JsonAnswer> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: text,
    signal: AbortSignal.timeout(30_000),
    ...init,
  });
  const body = await res.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new Error(`answer ${res.status} is not JSON: ${body.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, json };
}

export function postJson(url: string, body: unknown): Promise<JsonAnswer> {
  return postText(url, JSON.stringify(body));
}

export function getTokenBody(
  roomId: string,
  token: OpenIdToken,
  member: { id?: string; claimed_user_id: string; claimed_device_id?: string },
) {
  return {
    room_id: roomId,
    slot_id: "m.call#ROOM",
    openid_token: token,
    member: { id: member.id ?? "member-1", claimed_device_id: "TESTDEVICE", ...member },
  };
}

/** The test instance's LiveKit key and secret (kept in its data folder by the RTC service). */
export async function testLiveKitKeys(projectRoot: string): Promise<LiveKitKeys> {
  const file = livekitKeysFile(testInstance(projectRoot).dataDir);
  return JSON.parse(await readFile(file, "utf8")) as LiveKitKeys;
}

export function testDataDir(projectRoot: string): string {
  return path.resolve(testInstance(projectRoot).dataDir);
}
