import { describe, expect, it } from "vitest";
import { unauthorized } from "../../rtc/auth/errors.ts";
import { CoalescingOpenIdVerifier } from "../../rtc/auth/openid-coalescing.ts";
import type { OpenIdVerifier } from "../../rtc/auth/openid.ts";

/** A homeserver whose answers the test releases by hand, counting the checks it gets. */
function homeserver() {
  const checks: { token: string; answer: (userId: string | Error) => void }[] = [];
  const verifier: OpenIdVerifier = {
    userId: (_server, token) =>
      new Promise((resolve, reject) => {
        checks.push({ token, answer: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
      }),
  };
  return { checks, verifier };
}

describe("OpenID checks shared by concurrent requests", () => {
  it("asks the homeserver once for the same token in flight, and answers both", async () => {
    const hs = homeserver();
    const v = new CoalescingOpenIdVerifier(hs.verifier);
    const a = v.userId("ministere-a.localhost", "tok");
    const b = v.userId("ministere-a.localhost", "tok");
    expect(hs.checks).toHaveLength(1);
    hs.checks[0]!.answer("@alice:ministere-a.localhost");
    await expect(Promise.all([a, b])).resolves.toEqual([
      "@alice:ministere-a.localhost",
      "@alice:ministere-a.localhost",
    ]);
  });

  it("keeps different tokens and servers apart", () => {
    const hs = homeserver();
    const v = new CoalescingOpenIdVerifier(hs.verifier);
    void v.userId("ministere-a.localhost", "tok");
    void v.userId("ministere-a.localhost", "other");
    void v.userId("ministere-b.localhost", "tok");
    expect(hs.checks.map((c) => c.token)).toEqual(["tok", "other", "tok"]);
  });

  it("remembers nothing once a check has settled: a token that expired is refused", async () => {
    const hs = homeserver();
    const v = new CoalescingOpenIdVerifier(hs.verifier);
    const first = v.userId("ministere-a.localhost", "tok");
    hs.checks[0]!.answer("@alice:ministere-a.localhost");
    await first;
    const later = v.userId("ministere-a.localhost", "tok");
    expect(hs.checks).toHaveLength(2);
    hs.checks[1]!.answer(unauthorized("openid_token_rejected", "expired"));
    await expect(later).rejects.toMatchObject({ reason: "openid_token_rejected" });
  });

  it("passes a refusal to every request that waited on it, without keeping it", async () => {
    const hs = homeserver();
    const v = new CoalescingOpenIdVerifier(hs.verifier);
    const a = v.userId("ministere-a.localhost", "bad");
    const b = v.userId("ministere-a.localhost", "bad");
    hs.checks[0]!.answer(unauthorized("openid_token_rejected", "unknown"));
    await expect(a).rejects.toMatchObject({ reason: "openid_token_rejected" });
    await expect(b).rejects.toMatchObject({ reason: "openid_token_rejected" });
    void v.userId("ministere-a.localhost", "bad");
    expect(hs.checks).toHaveLength(2);
  });
});
