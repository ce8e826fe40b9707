import { MatrixHttpError } from "../../homeserver-config/src/admin/matrix-http.ts";
import {
  DEFAULT_RETRY_POLICY,
  RateLimitedError,
  retryDecision,
  type RetryPolicy,
} from "./retry-policy.ts";

export interface CallOptions {
  body?: unknown;
  query?: Record<string, string>;
  /**
   * False for requests that must not be sent twice blindly (createRoom): transient errors are
   * then thrown to the caller, which checks what happened before trying again.
   */
  retryTransient?: boolean;
  timeoutMs?: number;
  /** Aborts the request (and its retries), e.g. a long-poll when the bot stops. */
  signal?: AbortSignal;
}

/** The Matrix client API as one identity on one homeserver. The bots only see this. */
export interface MatrixApi {
  readonly userId: string;
  readonly serverName: string;
  call<T>(method: string, path: string, options?: CallOptions): Promise<T>;
}

export interface ApiStats {
  requests: number;
  /** Requests that change something (every method but GET). */
  writes: number;
  rateLimited: number;
  transientRetries: number;
}

export interface HttpMatrixApiOptions {
  baseUrl: string;
  serverName: string;
  userId: string;
  accessToken: string;
  /** Application service masquerading: act as `userId` with the appservice's token. */
  asUser?: boolean;
  policy?: RetryPolicy;
  onRetry?: (info: { reason: string; delayMs: number; path: string }) => void;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Matrix over HTTP with 429 and transient-error retries. Tokens never appear in errors. */
export class HttpMatrixApi implements MatrixApi {
  readonly userId: string;
  readonly serverName: string;
  readonly stats: ApiStats = { requests: 0, writes: 0, rateLimited: 0, transientRetries: 0 };
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: HttpMatrixApiOptions) {
    this.userId = o.userId;
    this.serverName = o.serverName;
    this.sleep = o.sleep ?? defaultSleep;
  }

  /** The same identity acting as another user of the appservice's namespace. */
  as(userId: string): HttpMatrixApi {
    return new HttpMatrixApi({ ...this.o, userId, asUser: true });
  }

  async call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    const attempts = { rateLimited: 0, transient: 0 };
    for (;;) {
      try {
        return await this.once<T>(method, path, options);
      } catch (e) {
        const decision = retryDecision(e, attempts, this.o.policy ?? DEFAULT_RETRY_POLICY);
        if (!decision.retry || options.signal?.aborted) throw e;
        if (decision.reason === "transient" && options.retryTransient === false) throw e;
        if (decision.reason === "rate_limited") {
          attempts.rateLimited++;
          this.stats.rateLimited++;
        } else {
          attempts.transient++;
          this.stats.transientRetries++;
        }
        this.o.onRetry?.({
          reason: decision.reason,
          delayMs: decision.delayMs,
          path: shortPath(path),
        });
        await this.sleep(decision.delayMs);
      }
    }
  }

  private async once<T>(method: string, path: string, options: CallOptions): Promise<T> {
    const params = new URLSearchParams(options.query);
    if (this.o.asUser) params.set("user_id", this.userId);
    const qs = params.toString();
    const url = `${this.o.baseUrl}${path}${qs ? (path.includes("?") ? "&" : "?") + qs : ""}`;
    this.stats.requests++;
    if (method !== "GET") this.stats.writes++;
    const res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${this.o.accessToken}`,
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs ?? 60_000)])
        : AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (res.ok) return json as T;
    const err = (json ?? {}) as { errcode?: string; error?: string; retry_after_ms?: number };
    const message =
      `${method} ${shortPath(path)} → ${res.status} ${err.errcode ?? ""} ${err.error ?? text.slice(0, 200)}`.trim();
    if (res.status === 429) {
      const header = Number(res.headers.get("retry-after"));
      const retryAfterMs =
        typeof err.retry_after_ms === "number"
          ? err.retry_after_ms
          : Number.isFinite(header) && header > 0
            ? header * 1000
            : undefined;
      throw new RateLimitedError(message, json, retryAfterMs);
    }
    throw new MatrixHttpError(res.status, err.errcode, message, json);
  }
}

function shortPath(path: string): string {
  return path.split("?")[0] ?? path;
}

export const enc = encodeURIComponent;
