/**
 * `livekit.yaml` for a real LiveKit cluster (pure). Rooms are never created by joining
 * (`room.auto_create: false`): only the authorization service creates them, for agency users.
 * Secrets stay out of it: API keys come from `key_file`, the Redis password from the
 * `REDIS_PASSWORD` environment variable of each node.
 */
import { Document } from "yaml";
import type { RtcDeployment } from "./deployment-schema.ts";

export type LiveKitConfig = Record<string, unknown>;

export function renderLiveKitConfig(d: RtcDeployment): LiveKitConfig {
  const lk = d.livekit;
  const redis = lk.redis;
  return {
    port: lk.port,
    ...(lk.bindAddresses ? { bind_addresses: lk.bindAddresses } : {}),
    logging: { level: lk.logLevel, json: true },
    rtc: {
      tcp_port: lk.rtc.tcpPort,
      port_range_start: lk.rtc.udpPortRange.start,
      port_range_end: lk.rtc.udpPortRange.end,
      ...(lk.rtc.nodeIp ? { node_ip: lk.rtc.nodeIp } : { use_external_ip: true }),
    },
    ...(redis
      ? {
          redis: {
            ...(redis.address ? { address: redis.address } : {}),
            ...(redis.sentinel
              ? {
                  sentinel_master_name: redis.sentinel.masterName,
                  sentinel_addresses: redis.sentinel.addresses,
                }
              : {}),
            ...(redis.username ? { username: redis.username } : {}),
            db: redis.db,
            use_tls: redis.useTls,
          },
        }
      : {}),
    room: {
      auto_create: false,
      empty_timeout: lk.room.emptyTimeout,
      departure_timeout: lk.room.departureTimeout,
      max_participants: lk.room.maxParticipants,
    },
    ...(lk.turn
      ? {
          turn: {
            enabled: true,
            domain: lk.turn.domain,
            tls_port: lk.turn.tlsPort,
            udp_port: lk.turn.udpPort,
            external_tls: lk.turn.externalTls,
          },
        }
      : {}),
    ...(lk.prometheusPort ? { prometheus: { port: lk.prometheusPort } } : {}),
    key_file: lk.keyFile,
  };
}

export function liveKitYaml(d: RtcDeployment, source: string): string {
  const doc = new Document(renderLiveKitConfig(d));
  doc.commentBefore = [
    ` LiveKit server config, rendered by \`npm run render\` from ${source}. Do not edit here.`,
    ` Same file on every node: livekit-server --config livekit.yaml`,
    d.livekit.redis
      ? ` Nodes share rooms through Redis; set REDIS_PASSWORD in each node's environment.`
      : ` Single node (no redis): add livekit.redis to the deployment file to run several.`,
    ` API keys: ${d.livekit.keyFile} (mode 0600, from livekit-keys.yaml beside this file).`,
  ].join("\n");
  return doc.toString({ lineWidth: 100 });
}

/** LiveKit's key file: one `key: secret` line, which lk-jwt-service's LIVEKIT_KEY_FILE reads too. */
export function liveKitKeyFile(apiKey: string, apiSecret: string): string {
  return `${apiKey}: ${apiSecret}\n`;
}

/** Environment of the authorization service (systemd EnvironmentFile); names files, holds no secret. */
export function authServiceEnv(d: RtcDeployment): string {
  const vars: [string, string][] = [
    ["LIVEKIT_URL", d.livekit.url],
    ...(d.livekit.apiUrl ? ([["LIVEKIT_API_URL", d.livekit.apiUrl]] as [string, string][]) : []),
    ["LIVEKIT_KEY_FILE", d.authService.keyFile],
    ["LIVEKIT_JWT_BIND", d.authService.bind],
    ["TCHAP_FEDERATION_FILE", d.authService.federationFile],
  ];
  return [
    "# MatrixRTC authorization service (rtc/auth/cli.ts), rendered by `npm run render`.",
    ...vars.map(([k, v]) => `${k}=${v}`),
    "",
  ].join("\n");
}
