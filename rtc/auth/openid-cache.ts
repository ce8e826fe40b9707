/**
 * Remembers which user an OpenID token belongs to for a short while. A call start sends the
 * same token to `/get_token` and `/sfu/get` at once, and our web client reuses a token across
 * calls: without this each request waits for the homeserver's userinfo answer again. Only
 * positive answers are kept, for at most `ttlMs` (short: a token may expire meanwhile), keyed
 * by a hash of the token (the token itself is not kept).
 */
import { createHash } from "node:crypto";
import type { OpenIdVerifier } from "./openid.ts";

export interface OpenIdCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export const DEFAULT_OPENID_CACHE_TTL_MS = 60_000;

export class CachingOpenIdVerifier implements OpenIdVerifier {
  private readonly known = new Map<string, { userId: string; until: number }>();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: OpenIdVerifier,
    o: OpenIdCacheOptions = {},
  ) {
    this.ttlMs = o.ttlMs ?? DEFAULT_OPENID_CACHE_TTL_MS;
    this.maxEntries = o.maxEntries ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  async userId(serverName: string, accessToken: string): Promise<string> {
    const key = `${serverName}\n${createHash("sha256").update(accessToken).digest("base64")}`;
    const hit = this.known.get(key);
    if (hit && hit.until > this.now()) return hit.userId;
    if (hit) this.known.delete(key);
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.inner.userId(serverName, accessToken).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
      const userId = await pending;
      this.remember(key, userId);
      return userId;
    }
    return pending;
  }

  private remember(key: string, userId: string): void {
    // Maps iterate in insertion order: drop the oldest entries first.
    while (this.known.size >= this.maxEntries) {
      const oldest = this.known.keys().next().value;
      if (oldest === undefined) break;
      this.known.delete(oldest);
    }
    this.known.set(key, { userId, until: this.now() + this.ttlMs });
  }

  close(): void {
    this.known.clear();
    this.inner.close?.();
  }
}
