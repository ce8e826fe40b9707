/**
 * `startAuthService`: the MatrixRTC authorization service (lk-jwt-service 0.5 compatible) wired
 * to real discovery, the homeservers' OpenID endpoint and LiveKit's server API.
 */
import type { AddressInfo } from "node:net";
import { mintJoinToken, type LiveKitCredentials } from "./join-token.ts";
import { NodeDiscoveryNet } from "./discovery/node-net.ts";
import type { TlsPolicy } from "./discovery/https-get.ts";
import { createAuthServer, DEFAULT_LIMITS, type HttpLimits } from "./http-server.ts";
import { FederationOpenIdVerifier, type OpenIdVerifier } from "./openid.ts";
import { CoalescingOpenIdVerifier } from "./openid-coalescing.ts";
import { FederationPolicy, type FederationMember } from "./policy.ts";
import { LiveKitRooms, type SfuRooms } from "./sfu-rooms.ts";

export interface AuthServiceConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  livekit: LiveKitCredentials & {
    /** WebSocket URL clients connect to (`wss://…` in production). */
    url: string;
    /** URL of LiveKit's server API if the service should reach it elsewhere (internal address). */
    apiUrl?: string;
  };
  federation: FederationMember[];
  discovery: {
    tls: TlsPolicy;
    /** Host name → IP, before DNS (local stack: the homeservers' loopback addresses). */
    hosts?: Record<string, string>;
    /** DNS servers instead of the system's (`ip[:port]`). */
    dnsServers?: string[];
  };
  limits?: Partial<HttpLimits>;
  /** Time allowed for the homeserver's userinfo answer. */
  openIdTimeoutMs?: number;
  /** Lines for operators; never receives tokens or secrets. */
  log?: (line: string) => void;
  /** Replacements for the network-facing parts (unit tests of pure logic only). */
  openId?: OpenIdVerifier;
  rooms?: SfuRooms;
}

export interface RunningAuthService {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startAuthService(config: AuthServiceConfig): Promise<RunningAuthService> {
  const log = config.log ?? (() => {});
  if (!config.livekit.apiKey || !config.livekit.apiSecret) {
    throw new Error("the LiveKit API key and secret are required");
  }
  const net = new NodeDiscoveryNet({
    tls: config.discovery.tls,
    ...(config.discovery.hosts ? { hosts: config.discovery.hosts } : {}),
    ...(config.discovery.dnsServers ? { dnsServers: config.discovery.dnsServers } : {}),
    log,
  });
  const openId = new CoalescingOpenIdVerifier(
    config.openId ??
      new FederationOpenIdVerifier({
        net,
        resolve: net.resolveAddress,
        tls: config.discovery.tls,
        ...(config.openIdTimeoutMs ? { timeoutMs: config.openIdTimeoutMs } : {}),
      }),
  );
  const rooms =
    config.rooms ??
    new LiveKitRooms({
      apiUrl: config.livekit.apiUrl ?? config.livekit.url,
      apiKey: config.livekit.apiKey,
      apiSecret: config.livekit.apiSecret,
    });
  const server = createAuthServer(
    {
      policy: new FederationPolicy(config.federation),
      openId,
      rooms,
      credentials: { apiKey: config.livekit.apiKey, apiSecret: config.livekit.apiSecret },
      mint: mintJoinToken,
      livekitUrl: config.livekit.url,
    },
    log,
    { ...DEFAULT_LIMITS, ...config.limits },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const url = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}`;
  log(
    `MatrixRTC authorization service on ${url}, SFU ${config.livekit.url}, ` +
      `TLS verification ${config.discovery.tls.verify ? "on" : "OFF"}, federation: ` +
      config.federation.map((m) => `${m.serverName}${m.external ? " (join only)" : ""}`).join(", "),
  );
  return {
    url,
    port,
    async stop() {
      openId.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
