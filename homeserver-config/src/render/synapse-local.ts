import path from "node:path";
import type { LocalHomeserverLayout } from "../local/instance.ts";
import { policySettings, type PolicyRenderInput } from "./policy-module.ts";
import {
  matrixRtcSettings,
  secretSettings,
  tchapPolicySettings,
  type HomeserverSecrets,
  type SynapseConfig,
} from "./synapse-common.ts";

export interface LocalRenderInput {
  layout: LocalHomeserverLayout;
  federationServerNames: string[];
  rtcAuthServiceUrl: string;
  secrets: HomeserverSecrets;
  /** The Tchap policy module (registration, access rules); absent: plain Synapse. */
  policy?: PolicyRenderInput;
  /** Extra Synapse settings merged last (tests use it for low rate limits). */
  overrides?: SynapseConfig;
}

/** Paths of the files a local homeserver keeps in its folder. */
export function localFiles(dir: string) {
  return {
    config: path.join(dir, "homeserver.yaml"),
    logConfig: path.join(dir, "log.yaml"),
    log: path.join(dir, "homeserver.log"),
    signingKey: path.join(dir, "signing.key"),
    tlsCert: path.join(dir, "tls.crt"),
    tlsKey: path.join(dir, "tls.key"),
    secrets: path.join(dir, "secrets.json"),
    appservice: path.join(dir, "appservice-provisioning.yaml"),
    database: path.join(dir, "homeserver.db"),
    media: path.join(dir, "media"),
    pid: path.join(dir, "homeserver.pid"),
  };
}

/** Rate limits raised so tests and demos are not throttled; never used in production. */
const LOCAL_RATE_LIMITS: SynapseConfig = {
  rc_message: { per_second: 50, burst_count: 200 },
  rc_registration: { per_second: 10, burst_count: 50 },
  rc_login: {
    address: { per_second: 10, burst_count: 50 },
    account: { per_second: 10, burst_count: 50 },
    failed_attempts: { per_second: 10, burst_count: 50 },
  },
  rc_joins: {
    local: { per_second: 10, burst_count: 50 },
    remote: { per_second: 10, burst_count: 50 },
  },
  rc_invites: {
    per_room: { per_second: 10, burst_count: 50 },
    per_user: { per_second: 10, burst_count: 50 },
    per_issuer: { per_second: 10, burst_count: 50 },
  },
  rc_room_creation: { per_second: 10, burst_count: 50 },
  rc_delayed_event_mgmt: { per_second: 10, burst_count: 50 },
  rc_3pid_validation: { per_second: 10, burst_count: 50 },
  rc_user_directory: { per_second: 10, burst_count: 50 },
  // Synapse handles 3 requests at a time per origin server by default and queues the rest:
  // between the agencies' own servers that only adds latency (provisioning, joins, invites).
  rc_federation: {
    window_size: 1000,
    sleep_limit: 100,
    sleep_delay: 100,
    reject_limit: 200,
    concurrent: 50,
  },
};

/** Local only: SQLite commits without an fsync each (see the module's docstring). */
export const LOCAL_SQLITE_MODULE = "tchap_local.SqliteSynchronousNormal";

export function renderLocalSynapseConfig(input: LocalRenderInput): SynapseConfig {
  const { layout } = input;
  const files = localFiles(layout.dir);
  const policy = input.policy ? policySettings(input.policy) : {};
  const modules = [...((policy.modules as unknown[]) ?? []), { module: LOCAL_SQLITE_MODULE }];
  return {
    server_name: layout.serverName,
    public_baseurl: `${layout.clientUrl}/`,
    pid_file: files.pid,
    log_config: files.logConfig,
    signing_key_path: files.signingKey,
    media_store_path: files.media,
    database: { name: "sqlite3", args: { database: files.database } },
    listeners: [
      {
        port: layout.federationPort,
        bind_addresses: [layout.federationAddress],
        type: "http",
        tls: true,
        x_forwarded: false,
        resources: [{ names: ["federation", "openid"], compress: false }],
      },
      {
        port: layout.clientPort,
        bind_addresses: ["127.0.0.1"],
        type: "http",
        tls: false,
        x_forwarded: false,
        resources: [{ names: ["client"], compress: false }],
      },
    ],
    tls_certificate_path: files.tlsCert,
    tls_private_key_path: files.tlsKey,
    // Self-signed certificates on loopback: only ever in the local profile.
    federation_verify_certificates: false,
    ip_range_whitelist: ["127.0.0.0/8"],
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    app_service_config_files: [files.appservice],
    ...tchapPolicySettings(input.federationServerNames),
    ...policy,
    modules,
    ...matrixRtcSettings(input.rtcAuthServiceUrl),
    ...secretSettings(input.secrets),
    ...LOCAL_RATE_LIMITS,
    ...input.overrides,
  };
}
