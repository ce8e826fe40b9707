/**
 * The decision behind `/sfu/get` and `/get_token`: who asks (OpenID token checked with their
 * homeserver), may their server use this SFU at all, may they create the room, and the token.
 * All I/O is behind interfaces so the order of checks is testable on its own.
 */
import { CALL_SLOT_ID, legacyIdentity, livekitRoomName, memberIdentity } from "./derive.ts";
import { AuthRefusal, unauthorized } from "./errors.ts";
import type { LiveKitCredentials } from "./join-token.ts";
import type { OpenIdVerifier } from "./openid.ts";
import type { Access, FederationPolicy } from "./policy.ts";
import type { OpenIdToken, ParsedRequest } from "./requests.ts";
import type { SfuRooms } from "./sfu-rooms.ts";

export interface AuthorizeDeps {
  policy: FederationPolicy;
  openId: OpenIdVerifier;
  rooms: SfuRooms;
  credentials: LiveKitCredentials;
  mint: (credentials: LiveKitCredentials, room: string, identity: string) => Promise<string>;
  /** The SFU's WebSocket URL handed to clients. */
  livekitUrl: string;
}

export interface Grant {
  url: string;
  jwt: string;
  /** For the log line; never the tokens. */
  userId: string;
  access: Access;
  room: string;
  /** Where the time went, for the log line (the OpenID check crosses federation). */
  openIdMs: number;
  roomMs: number;
}

export async function authorize(request: ParsedRequest, deps: AuthorizeDeps): Promise<Grant> {
  const token = request.request.openid_token;
  const { serverName, access } = admitServer(token, deps.policy);
  const started = Date.now();
  const userId = await deps.openId.userId(serverName, token.access_token);
  const openIdMs = Date.now() - started;

  let roomId: string;
  let slotId: string;
  let identity: string;
  if (request.kind === "slot") {
    const r = request.request;
    if (r.member.claimed_user_id !== userId) {
      throw unauthorized(
        "user_mismatch",
        "The OpenID token belongs to another user than member.claimed_user_id",
      );
    }
    roomId = r.room_id;
    slotId = r.slot_id;
    identity = memberIdentity(userId, r.member.claimed_device_id, r.member.id);
  } else {
    roomId = request.request.room;
    slotId = CALL_SLOT_ID;
    identity = legacyIdentity(userId, request.request.device_id);
  }

  const room = livekitRoomName(roomId, slotId);
  const roomStarted = Date.now();
  if (access === "full") {
    await deps.rooms.ensureRoom(room);
  } else if (!(await deps.rooms.roomExists(room))) {
    throw new AuthRefusal(
      403,
      "M_FORBIDDEN",
      "call_not_started",
      "Users of an external homeserver can join a call but not start one: " +
        "the call must first be started by a member of an agency",
    );
  }
  const roomMs = Date.now() - roomStarted;
  const jwt = await deps.mint(deps.credentials, room, identity);
  return { url: deps.livekitUrl, jwt, userId, access, room, openIdMs, roomMs };
}

/** Servers outside the federation are refused before anything is sent to them. */
function admitServer(
  token: OpenIdToken,
  policy: FederationPolicy,
): { serverName: string; access: Access } {
  const member = policy.member(token.matrix_server_name);
  if (!member) {
    throw new AuthRefusal(
      403,
      "M_FORBIDDEN",
      "server_not_in_federation",
      `The homeserver ${token.matrix_server_name} is not part of this federation`,
    );
  }
  return { serverName: member.serverName, access: policy.access(member) };
}
