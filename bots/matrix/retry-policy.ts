import { MatrixHttpError } from "../../homeserver-config/src/admin/matrix-http.ts";

export interface RetryPolicy {
  /** Attempts in all for an error that may pass (network, 5xx, timeout). */
  transientAttempts: number;
  /** Waits in all for 429 answers; each waits what the server asked. */
  rateLimitedAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  transientAttempts: 5,
  rateLimitedAttempts: 50,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
};

export type RetryDecision =
  { retry: true; delayMs: number; reason: "rate_limited" | "transient" } | { retry: false };

/** A 429 answer; `retryAfterMs` is what the homeserver asked us to wait. */
export class RateLimitedError extends MatrixHttpError {
  override name = "RateLimitedError";
  constructor(
    message: string,
    body: unknown,
    readonly retryAfterMs: number | undefined,
  ) {
    super(429, "M_LIMIT_EXCEEDED", message, body);
  }
}

/** Network failures and timeouts: the request may not have reached the homeserver, or may have. */
export function isTransient(e: unknown): boolean {
  if (e instanceof MatrixHttpError) return e.status >= 500 && e.status !== 501;
  if (!(e instanceof Error)) return false;
  return (
    e.name === "TimeoutError" ||
    e.name === "AbortError" ||
    (e instanceof TypeError && /fetch failed|network|socket/i.test(e.message))
  );
}

/**
 * Whether to try again after `e`, and when. `attempts` counts earlier tries of each kind.
 * A 429 waits exactly what the homeserver asked (or the backoff when it did not say);
 * transient errors back off exponentially with jitter so parallel workers spread out.
 */
export function retryDecision(
  e: unknown,
  attempts: { rateLimited: number; transient: number },
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): RetryDecision {
  if (e instanceof RateLimitedError || (e instanceof MatrixHttpError && e.status === 429)) {
    if (attempts.rateLimited + 1 >= policy.rateLimitedAttempts) return { retry: false };
    const asked = e instanceof RateLimitedError ? e.retryAfterMs : undefined;
    const delayMs =
      asked !== undefined
        ? Math.min(asked, policy.maxDelayMs * 4)
        : backoff(attempts.rateLimited, policy, random);
    return { retry: true, delayMs, reason: "rate_limited" };
  }
  if (isTransient(e)) {
    if (attempts.transient + 1 >= policy.transientAttempts) return { retry: false };
    return {
      retry: true,
      delayMs: backoff(attempts.transient, policy, random),
      reason: "transient",
    };
  }
  return { retry: false };
}

function backoff(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  // "Equal jitter": at least half the ceiling, so retries never come back immediately.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
