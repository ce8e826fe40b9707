/**
 * One check with the homeserver for concurrent requests carrying the same OpenID token:
 * Element Call asks for two LiveKit tokens at once when it joins (its own transport and the
 * call's), with the token its host gave it twice. Nothing is remembered once a check settles,
 * so a token that expires is refused by the next request like any other.
 */
import type { OpenIdVerifier } from "./openid.ts";

export class CoalescingOpenIdVerifier implements OpenIdVerifier {
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly inner: OpenIdVerifier) {}

  userId(serverName: string, accessToken: string): Promise<string> {
    const key = `${serverName}\0${accessToken}`;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const check = this.inner.userId(serverName, accessToken).finally(() => {
      this.inFlight.delete(key);
    });
    this.inFlight.set(key, check);
    return check;
  }

  close(): void {
    this.inner.close?.();
  }
}
