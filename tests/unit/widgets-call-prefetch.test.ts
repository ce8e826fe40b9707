import { describe, expect, it } from "vitest";
import {
  CallPrefetch,
  OPENID_MIN_VALIDITY_MS,
  Prefetched,
  openIdReuseUntil,
} from "../../widgets/src/calls/call-prefetch.ts";
import type { WidgetMatrixClient } from "../../widgets/src/host/widget-client.ts";

describe("call prefetch", () => {
  it("fetches once for concurrent callers and reuses the value until it expires", async () => {
    let now = 1_000;
    let calls = 0;
    const p = new Prefetched(
      async () => ++calls,
      (_v, at) => at + 100,
      () => now,
    );
    expect(await Promise.all([p.get(), p.get()])).toEqual([1, 1]);
    now = 1_099;
    expect(await p.get()).toBe(1);
    now = 1_100;
    expect(await p.get()).toBe(2);
  });

  it("does not keep failures: the next call tries again", async () => {
    let fail = true;
    const p = new Prefetched(
      async () => {
        if (fail) throw new Error("homeserver down");
        return "ok";
      },
      () => Number.MAX_SAFE_INTEGER,
    );
    p.warm();
    await expect(p.get()).rejects.toThrow("homeserver down");
    fail = false;
    expect(await p.get()).toBe("ok");
  });

  it("stops handing out an OpenID token 5 minutes before it expires", () => {
    const token = {
      access_token: "t",
      expires_in: 3600,
      matrix_server_name: "a",
      token_type: "Bearer",
    };
    expect(openIdReuseUntil(token, 0)).toBe(3_600_000 - OPENID_MIN_VALIDITY_MS);
    // A short-lived token is never reused.
    expect(openIdReuseUntil({ ...token, expires_in: 60 }, 0)).toBeLessThan(0);
  });

  it("gives the call widget the session's client with the token and transports reused", async () => {
    let tokens = 0;
    const base = {
      userId: "@a:x",
      openIdToken: async () => ({ access_token: `tok${++tokens}`, expires_in: 3600 }),
      homeserverRtcTransports: async () => ({ rtc_transports: [{ type: "livekit" }] }),
      knownRoomIds: () => ["!r:x"],
    } as unknown as WidgetMatrixClient;
    const prefetch = new CallPrefetch(base);
    prefetch.warm();
    const client = prefetch.callClient();
    expect((await client.openIdToken()).access_token).toBe("tok1");
    expect((await prefetch.callClient().openIdToken()).access_token).toBe("tok1");
    expect(client.userId).toBe("@a:x");
    expect(client.knownRoomIds()).toEqual(["!r:x"]);
    // The session's own client still hands out fresh tokens (third-party widgets).
    expect((await base.openIdToken()).access_token).toBe("tok2");
  });
});
