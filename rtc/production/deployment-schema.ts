/**
 * `rtc-deployment.yaml`: the production RTC deployment — a LiveKit cluster and the MatrixRTC
 * authorization service in front of it. Who may call is not here: that is federation.yaml.
 */
import { z } from "zod";

const port = z.number().int().min(1).max(65535);
const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/, "must be host:port");
const absolutePath = z.string().regex(/^\//, "must be an absolute path");

export const livekitSchema = z.strictObject({
  /** Public WebSocket URL clients connect to (TLS terminated by the load balancer). */
  url: z.url({ protocol: /^wss$/, error: "must be a wss:// URL" }),
  /** LiveKit's server API as the authorization service reaches it (internal network). */
  apiUrl: z.url({ protocol: /^https?$/, error: "must be an http(s):// URL" }).optional(),
  port: port.default(7880),
  bindAddresses: z.array(z.string().min(1)).optional(),
  rtc: z
    .strictObject({
      /** ICE over TCP when UDP is blocked; must be reachable on each node directly. */
      tcpPort: port.default(7881),
      udpPortRange: z
        .strictObject({ start: port, end: port })
        .default({ start: 50000, end: 60000 }),
      /** The node's public IP; when absent each node discovers it with STUN. */
      nodeIp: z.union([z.ipv4(), z.ipv6()]).optional(),
    })
    .prefault({}),
  /** Shared room routing for several nodes. Absent: a single node. */
  redis: z
    .strictObject({
      address: hostPort.optional(),
      sentinel: z
        .strictObject({ masterName: z.string().min(1), addresses: z.array(hostPort).min(1) })
        .optional(),
      username: z.string().min(1).optional(),
      db: z.number().int().min(0).default(0),
      useTls: z.boolean().default(true),
    })
    .optional(),
  /** LiveKit's embedded TURN for clients behind restrictive firewalls. */
  turn: z
    .strictObject({
      domain: z.string().regex(/^[a-z0-9.-]+$/, "must be a DNS name"),
      tlsPort: port.default(5349),
      udpPort: port.default(3478),
      /** TLS terminated by an L4 load balancer in front of the TURN port. */
      externalTls: z.boolean().default(true),
    })
    .optional(),
  prometheusPort: port.optional(),
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
  room: z
    .strictObject({
      emptyTimeout: z.number().int().min(1).default(300),
      departureTimeout: z.number().int().min(1).default(20),
      maxParticipants: z.number().int().min(0).default(0),
    })
    .prefault({}),
  /** Where the API key file is installed on every node (mode 0600). */
  keyFile: absolutePath.default("/etc/livekit/keys.yaml"),
});

export const authServiceSchema = z.strictObject({
  /** LIVEKIT_JWT_BIND: the reverse proxy forwards `rtcAuthServiceUrl` here. */
  bind: z
    .string()
    .regex(/^(\[[0-9A-Fa-f:.]+\]|[0-9A-Za-z.-]*):\d{1,5}$/)
    .default("127.0.0.1:8080"),
  /** federation.yaml as installed on the service's host. */
  federationFile: absolutePath.default("/etc/tchap/federation.yaml"),
  /** The same key file as LiveKit's, installed on the service's host. */
  keyFile: absolutePath.default("/etc/tchap/livekit-keys.yaml"),
});

export const rtcDeploymentSchema = z.strictObject({
  version: z.literal(1),
  livekit: livekitSchema,
  authService: authServiceSchema.prefault({}),
});

export type RtcDeployment = z.output<typeof rtcDeploymentSchema>;

/** Rules across fields, with the path they concern. */
export function deploymentIssues(
  d: RtcDeployment,
): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const range = d.livekit.rtc.udpPortRange;
  if (range.start >= range.end) {
    issues.push({ path: ["livekit", "rtc", "udpPortRange"], message: "start must be below end" });
  }
  const redis = d.livekit.redis;
  if (redis && !!redis.address === !!redis.sentinel) {
    issues.push({
      path: ["livekit", "redis"],
      message: "give exactly one of `address` (one Redis) or `sentinel` (Redis Sentinel)",
    });
  }
  return issues;
}
