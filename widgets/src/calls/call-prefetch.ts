/**
 * What every call start asks the homeserver for and what stays valid across calls: the OpenID
 * token Element Call hands to the RTC authorization service (valid `expires_in` seconds,
 * typically an hour) and the homeserver's RTC transports. Fetched when the user opens a room
 * (before any click) and reused, so a call's setup does not wait for them. Only our own call
 * widget gets this client: other widgets asking for OpenID get a fresh token of their own.
 */
import type { IOpenIDCredentials } from "matrix-widget-api";
import type { WidgetMatrixClient } from "../host/widget-client.ts";

/** A token is handed out only while it has at least this much validity left. */
export const OPENID_MIN_VALIDITY_MS = 5 * 60_000;
/** Transports change with the deployment, rarely: re-read them every few minutes. */
export const TRANSPORTS_TTL_MS = 5 * 60_000;

/** One value fetched at most once at a time, reused until it expires; failures are not kept. */
export class Prefetched<T> {
  private value: { v: T; until: number } | undefined;
  private pending: Promise<T> | undefined;

  constructor(
    private readonly fetch: () => Promise<T>,
    /** Until when (ms epoch) a fresh value may be reused. */
    private readonly validUntil: (value: T, fetchedAt: number) => number,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    if (this.value && this.now() < this.value.until) return Promise.resolve(this.value.v);
    if (!this.pending) {
      const fetchedAt = this.now();
      this.pending = this.fetch().then(
        (v) => {
          this.value = { v, until: this.validUntil(v, fetchedAt) };
          this.pending = undefined;
          return v;
        },
        (e: unknown) => {
          this.pending = undefined;
          throw e;
        },
      );
    }
    return this.pending;
  }

  /** Starts fetching in the background if nothing valid is held; never rejects. */
  warm(): void {
    this.get().catch(() => undefined);
  }
}

/** When a cached OpenID token must stop being handed out. */
export function openIdReuseUntil(token: IOpenIDCredentials, fetchedAt: number): number {
  const lifetimeMs = (typeof token.expires_in === "number" ? token.expires_in : 0) * 1000;
  return fetchedAt + lifetimeMs - OPENID_MIN_VALIDITY_MS;
}

export class CallPrefetch {
  readonly openId: Prefetched<IOpenIDCredentials>;
  readonly transports: Prefetched<unknown>;

  constructor(
    private readonly client: WidgetMatrixClient,
    now: () => number = Date.now,
  ) {
    this.openId = new Prefetched(() => client.openIdToken(), openIdReuseUntil, now);
    this.transports = new Prefetched(
      () => client.homeserverRtcTransports(),
      (_v, at) => at + TRANSPORTS_TTL_MS,
      now,
    );
  }

  warm(): void {
    this.openId.warm();
    this.transports.warm();
  }

  /** The client our call widget works with: the same session, with these two answers reused. */
  callClient(): WidgetMatrixClient {
    const base = this.client;
    const openId = this.openId;
    const transports = this.transports;
    return Object.assign(Object.create(base) as WidgetMatrixClient, {
      openIdToken: () => openId.get(),
      homeserverRtcTransports: () => transports.get(),
    });
  }
}
