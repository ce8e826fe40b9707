import { describe, expect, it } from "vitest";
import { MatrixHttpError } from "../../homeserver-config/src/admin/matrix-http.ts";
import { RateLimitedError, retryDecision } from "../../bots/matrix/retry-policy.ts";

const none = { rateLimited: 0, transient: 0 };

describe("provisioner retries", () => {
  it("waits exactly what a 429 asks for", () => {
    const e = new RateLimitedError("429", {}, 1234);
    expect(retryDecision(e, none)).toEqual({ retry: true, delayMs: 1234, reason: "rate_limited" });
  });

  it("backs off exponentially on transient errors, never immediately, and gives up", () => {
    const e = new MatrixHttpError(502, undefined, "bad gateway", undefined);
    const delays = [0, 1, 2, 3].map((n) =>
      retryDecision(e, { rateLimited: 0, transient: n }, undefined, () => 0),
    );
    expect(delays.map((d) => (d.retry ? d.delayMs : -1))).toEqual([125, 250, 500, 1000]);
    expect(retryDecision(e, { rateLimited: 0, transient: 4 })).toEqual({ retry: false });
    expect(retryDecision(new TypeError("fetch failed"), none).retry).toBe(true);
  });

  it("does not retry what cannot pass: forbidden, not found, bad request", () => {
    for (const status of [400, 403, 404]) {
      expect(retryDecision(new MatrixHttpError(status, "M_FORBIDDEN", "no", {}), none)).toEqual({
        retry: false,
      });
    }
  });
});
