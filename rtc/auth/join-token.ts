/** The LiveKit access token lk-jwt-service 0.5 issues: join, publish, subscribe; one hour. */
import { AccessToken } from "livekit-server-sdk";

export const JOIN_TOKEN_TTL_SECONDS = 3600;

export interface LiveKitCredentials {
  apiKey: string;
  apiSecret: string;
}

export async function mintJoinToken(
  credentials: LiveKitCredentials,
  room: string,
  identity: string,
): Promise<string> {
  const token = new AccessToken(credentials.apiKey, credentials.apiSecret, {
    identity,
    ttl: JOIN_TOKEN_TTL_SECONDS,
  });
  // canPublishData is left unset, as lk-jwt-service does: LiveKit then allows data packets.
  token.addGrant({ roomJoin: true, room, canPublish: true, canSubscribe: true });
  return token.toJwt();
}
