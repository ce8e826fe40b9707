/**
 * Validates a Matrix OpenID token with the homeserver that issued it:
 * `GET /_matrix/federation/v1/openid/userinfo` on the server found by federation discovery.
 * The token travels only in that request's query string and is never logged.
 */
import https from "node:https";
import { discoverServer, type DiscoveryNet, type FederationTarget } from "./discovery/resolve.ts";
import {
  httpsGet,
  HttpsGetError,
  type AddressResolver,
  type TlsPolicy,
} from "./discovery/https-get.ts";
import { unauthorized } from "./errors.ts";

export interface OpenIdVerifier {
  /** The Matrix user ID the token belongs to; throws an `AuthRefusal` (401) otherwise. */
  userId(serverName: string, accessToken: string): Promise<string>;
  /** Releases pooled connections. */
  close?(): void;
}

export interface FederationOpenIdOptions {
  net: DiscoveryNet;
  resolve: AddressResolver;
  tls: TlsPolicy;
  timeoutMs?: number;
  /** How long discovered targets are reused. */
  targetCacheMs?: number;
  now?: () => number;
}

const USERINFO_MAX_BYTES = 64 * 1024;

/** The server name part of a user ID (`@localpart:server.name[:port]`). */
export function userIdServerName(userId: string): string | undefined {
  const m = /^@[^:]+:(.+)$/.exec(userId);
  return m ? m[1] : undefined;
}

export class FederationOpenIdVerifier implements OpenIdVerifier {
  private readonly targets = new Map<string, { targets: FederationTarget[]; until: number }>();
  private readonly now: () => number;
  /** Keeps TLS connections to homeservers open between requests (a call start is a burst). */
  private readonly agent = new https.Agent({ keepAlive: true, maxSockets: 16, timeout: 30_000 });

  constructor(private readonly options: FederationOpenIdOptions) {
    this.now = options.now ?? Date.now;
  }

  close(): void {
    this.agent.destroy();
  }

  async userId(serverName: string, accessToken: string): Promise<string> {
    const targets = await this.discover(serverName);
    const path = `/_matrix/federation/v1/openid/userinfo?access_token=${encodeURIComponent(accessToken)}`;
    let lastFailure = "";
    targets: for (const target of targets) {
      for (let attempt = 0; attempt < 2; attempt++) {
        let res;
        try {
          res = await httpsGet(target, path, {
            tls: this.options.tls,
            resolve: this.options.resolve,
            timeoutMs: this.options.timeoutMs ?? 5_000,
            maxBytes: USERINFO_MAX_BYTES,
            agent: this.agent,
          });
        } catch (e) {
          if (!(e instanceof HttpsGetError)) throw e;
          lastFailure = e.message;
          // Timeouts and oversized answers are final.
          if (e.failure === "timeout" || e.failure === "too_large") break targets;
          // A pooled connection the homeserver closed while idle: retry it once.
          if (e.failure === "connect" && /ECONNRESET|EPIPE/.test(e.message)) continue;
          // Otherwise another SRV target may answer.
          continue targets;
        }
        return this.readUserInfo(serverName, res.status, res.body);
      }
    }
    this.targets.delete(serverName);
    throw unauthorized(
      "homeserver_unreachable",
      `The homeserver ${serverName} could not be reached to validate the OpenID token (${lastFailure})`,
    );
  }

  private readUserInfo(serverName: string, status: number, body: string): string {
    if (status === 401 || status === 403 || status === 404) {
      throw unauthorized(
        "openid_token_rejected",
        `The homeserver ${serverName} does not recognise this OpenID token (unknown or expired)`,
      );
    }
    let sub: unknown;
    try {
      sub = (JSON.parse(body) as { sub?: unknown }).sub;
    } catch {
      sub = undefined;
    }
    if (status !== 200 || typeof sub !== "string") {
      throw unauthorized(
        "userinfo_invalid",
        `The homeserver ${serverName} gave no usable answer for the OpenID token (HTTP ${status})`,
      );
    }
    // A homeserver vouches only for its own users.
    if (userIdServerName(sub) !== serverName) {
      throw unauthorized(
        "userinfo_invalid",
        `The homeserver ${serverName} named a user of another server (${sub})`,
      );
    }
    return sub;
  }

  private async discover(serverName: string): Promise<FederationTarget[]> {
    const cached = this.targets.get(serverName);
    if (cached && cached.until > this.now()) return cached.targets;
    const targets = await discoverServer(serverName, this.options.net);
    this.targets.set(serverName, {
      targets,
      until: this.now() + (this.options.targetCacheMs ?? 300_000),
    });
    return targets;
  }
}
