import path from "node:path";
import type { Federation, Homeserver } from "../model.ts";
import { policySettings } from "./policy-module.ts";
import { matrixRtcSettings, tchapPolicySettings, type SynapseConfig } from "./synapse-common.ts";

export interface ProductionRenderInput {
  federation: Federation;
  homeserver: Homeserver;
  /** Where Synapse keeps its keys, media and logs on the production host. */
  dataDir: string;
  /** Port of the plain-HTTP listener the reverse proxy (which terminates TLS) forwards to. */
  listenPort?: number;
}

export function productionFiles(dataDir: string) {
  return {
    config: path.join(dataDir, "homeserver.yaml"),
    secrets: path.join(dataDir, "secrets.yaml"),
    logConfig: path.join(dataDir, "log.yaml"),
    log: path.join(dataDir, "homeserver.log"),
    signingKey: path.join(dataDir, "signing.key"),
    appservice: path.join(dataDir, "appservice-provisioning.yaml"),
    media: path.join(dataDir, "media"),
    pid: path.join(dataDir, "homeserver.pid"),
    /** The directory's internal token, deployed beside the secrets (read by the policy module). */
    directoryToken: path.join(dataDir, "directory-token"),
  };
}

/**
 * Synapse's config for one production homeserver. Secrets (database password, macaroon and
 * form secrets, shared registration secret) are rendered into a separate `secrets.yaml`
 * that Synapse reads as a second `-c` file, so this one can be reviewed and versioned.
 */
export function renderProductionSynapseConfig(input: ProductionRenderInput): SynapseConfig {
  const { federation, homeserver } = input;
  const prod = federation.production;
  const settings = prod?.homeservers[homeserver.id];
  if (!prod || !settings) {
    throw new Error(`federation.yaml has no production settings for homeserver "${homeserver.id}"`);
  }
  const files = productionFiles(input.dataDir);
  return {
    server_name: homeserver.serverName,
    public_baseurl: settings.publicBaseUrl,
    pid_file: files.pid,
    log_config: files.logConfig,
    signing_key_path: files.signingKey,
    media_store_path: files.media,
    database: {
      name: "psycopg2",
      txn_limit: 10000,
      args: {
        user: settings.database.user,
        database: settings.database.name,
        host: settings.database.host,
        port: settings.database.port,
        cp_min: 5,
        cp_max: 10,
      },
    },
    listeners: [
      {
        port: input.listenPort ?? 8008,
        bind_addresses: ["127.0.0.1"],
        type: "http",
        tls: false,
        // Behind a TLS-terminating reverse proxy that sets X-Forwarded-For/-Proto.
        x_forwarded: true,
        resources: [{ names: ["client", "federation", "openid"], compress: false }],
      },
    ],
    // Federation certificates are verified (Synapse's default), and keys come from each
    // agency's server directly: no third-party notary in a closed federation.
    federation_verify_certificates: true,
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    app_service_config_files: [files.appservice],
    ...tchapPolicySettings(federation.homeservers.map((hs) => hs.serverName)),
    // The Python module must be on Synapse's PYTHONPATH (homeserver-config/synapse-modules).
    ...policySettings({
      homeservers: federation.homeservers.map((hs) => ({
        homeserver: hs,
        serverName: hs.serverName,
      })),
      ...(prod.directoryUrl
        ? {
            directory: {
              url: prod.directoryUrl.replace(/\/$/, ""),
              tokenPath: files.directoryToken,
            },
          }
        : {}),
      // The host's MTA relays registration mail; it listens on loopback only.
      smtp: { host: "localhost", port: 25, requireTls: false },
      notifFrom: `Tchap <noreply@${homeserver.serverName}>`,
    }),
    ...matrixRtcSettings(prod.rtcAuthServiceUrl),
  };
}
