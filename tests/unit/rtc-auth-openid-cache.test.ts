import { describe, expect, it } from "vitest";
import { CachingOpenIdVerifier } from "../../rtc/auth/openid-cache.ts";
import type { OpenIdVerifier } from "../../rtc/auth/openid.ts";

function counting(answer: (token: string) => Promise<string>) {
  const seen: string[] = [];
  const inner: OpenIdVerifier = {
    userId: (_server, token) => {
      seen.push(token);
      return answer(token);
    },
  };
  return { inner, seen };
}

describe("OpenID answers cache", () => {
  it("asks the homeserver once for concurrent requests with the same token", async () => {
    const { inner, seen } = counting(async () => "@a:x");
    const cache = new CachingOpenIdVerifier(inner);
    expect(await Promise.all([cache.userId("x", "t"), cache.userId("x", "t")])).toEqual([
      "@a:x",
      "@a:x",
    ]);
    expect(seen).toEqual(["t"]);
  });

  it("forgets an answer after the TTL and never keeps refusals", async () => {
    let now = 0;
    let refuse = true;
    const { inner, seen } = counting(async () => {
      if (refuse) throw new Error("rejected");
      return "@a:x";
    });
    const cache = new CachingOpenIdVerifier(inner, { ttlMs: 1000, now: () => now });
    await expect(cache.userId("x", "t")).rejects.toThrow("rejected");
    refuse = false;
    await cache.userId("x", "t");
    now = 999;
    await cache.userId("x", "t");
    now = 1000;
    await cache.userId("x", "t");
    expect(seen).toHaveLength(3);
  });

  it("keys by server and token: another server's identical token is checked again", async () => {
    const { inner, seen } = counting(async () => "@a:x");
    const cache = new CachingOpenIdVerifier(inner);
    await cache.userId("x", "t");
    await cache.userId("y", "t");
    await cache.userId("x", "u");
    expect(seen).toHaveLength(3);
  });

  it("stays within its size bound", async () => {
    const { inner, seen } = counting(async (t) => `@${t}:x`);
    const cache = new CachingOpenIdVerifier(inner, { maxEntries: 2 });
    for (const t of ["a", "b", "c"]) await cache.userId("x", t);
    await cache.userId("x", "a");
    expect(seen).toEqual(["a", "b", "c", "a"]);
  });
});
