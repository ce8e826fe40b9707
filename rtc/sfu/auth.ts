/**
 * Access-token verification (HS256 JWT signed with the API secret, LiveKit claims)
 * and grant checks. Errors carry a reason code and an HTTP status; messages never
 * contain the token.
 */
import { errors as joseErrors, jwtVerify } from "jose";
import type { ClaimGrants, VideoGrant } from "livekit-server-sdk";

export type AuthErrorCode =
  | "missing_token"
  | "invalid_token"
  | "expired_token"
  | "no_join_grant"
  | "no_room"
  | "wrong_room"
  | "missing_grant";

export class SfuAuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    readonly status: 401 | 403,
  ) {
    super(message);
    this.name = "SfuAuthError";
  }
}

/** Verifies signature (HS256 with `apiSecret`), issuer (`apiKey`), expiry and not-before. */
export async function verifyAccessToken(
  token: string | null | undefined,
  apiKey: string,
  apiSecret: string,
  now: Date = new Date(),
): Promise<ClaimGrants> {
  if (!token) throw new SfuAuthError("missing_token", "no access token", 401);
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(apiSecret), {
      algorithms: ["HS256"],
      issuer: apiKey,
      requiredClaims: ["exp"],
      currentDate: now,
      clockTolerance: 10,
    });
    return payload as ClaimGrants;
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired)
      throw new SfuAuthError("expired_token", "token is expired", 401);
    throw new SfuAuthError("invalid_token", "invalid token", 401);
  }
}

export interface JoinGrant {
  room: string;
  identity: string;
  name: string;
  metadata: string;
  attributes: Record<string, string>;
  canPublish: boolean;
  canSubscribe: boolean;
  canPublishData: boolean;
  hidden: boolean;
}

/**
 * What a verified token allows for joining. `expectedRoom`, when given (e.g. a
 * `room` query parameter or an admin call), must equal the token's room.
 */
export function joinGrant(claims: ClaimGrants, expectedRoom?: string): JoinGrant {
  const video: VideoGrant = claims.video ?? {};
  if (!video.roomJoin) throw new SfuAuthError("no_join_grant", "token has no roomJoin grant", 403);
  if (!video.room) throw new SfuAuthError("no_room", "token names no room", 403);
  if (expectedRoom !== undefined && expectedRoom !== video.room) {
    throw new SfuAuthError("wrong_room", "token is for another room", 403);
  }
  if (!claims.sub) throw new SfuAuthError("invalid_token", "token has no identity", 401);
  // LiveKit: when neither canPublish nor canSubscribe is set, both are allowed.
  const neither = video.canPublish === undefined && video.canSubscribe === undefined;
  return {
    room: video.room,
    identity: claims.sub,
    name: claims.name ?? "",
    metadata: claims.metadata ?? "",
    attributes: claims.attributes ?? {},
    canPublish: neither ? true : video.canPublish === true,
    canSubscribe: neither ? true : video.canSubscribe === true,
    canPublishData: video.canPublishData ?? true,
    hidden: video.hidden === true,
  };
}

export type AdminGrant = "roomCreate" | "roomList" | "roomAdmin";

/** Checks a server-API grant; `roomAdmin` is scoped to the token's room. */
export function requireAdminGrant(claims: ClaimGrants, grant: AdminGrant, room?: string): void {
  const video: VideoGrant = claims.video ?? {};
  if (!video[grant]) throw new SfuAuthError("missing_grant", `token lacks the ${grant} grant`, 403);
  if (grant === "roomAdmin" && room !== undefined && video.room !== room) {
    throw new SfuAuthError("wrong_room", "token is for another room", 403);
  }
}
