/**
 * Production entry of the MatrixRTC authorization service:
 *   LIVEKIT_URL=wss://livekit.example LIVEKIT_KEY_FILE=/etc/livekit/keys.yaml \
 *   TCHAP_FEDERATION_FILE=/etc/tchap/federation.yaml npx tsx rtc/auth/cli.ts
 * Environment variables: see env-config.ts (lk-jwt-service's names, plus TCHAP_FEDERATION_FILE,
 * TCHAP_EXTRA_CA_FILE and TCHAP_HOSTS_FILE). Never prints a secret or a token.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  FederationConfigError,
  loadFederation,
} from "../../homeserver-config/src/load-federation.ts";
import { parseHostsFile } from "./discovery/hosts-file.ts";
import { configFromEnv, EnvConfigError } from "./env-config.ts";
import { federationMembers } from "./policy.ts";
import { startAuthService } from "./service.ts";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const log = (line: string) => console.log(`${new Date().toISOString()} [rtc-auth] ${line}`);

try {
  const config = configFromEnv(
    process.env,
    (file) => readFileSync(file, "utf8"),
    path.join(projectRoot, "homeserver-config/federation.yaml"),
  );
  const federation = await loadFederation(config.federationFile);
  if (!config.verifyTls) log("!!! WARNING: TLS certificates of homeservers are NOT verified !!!");
  const service = await startAuthService({
    host: config.host,
    port: config.port,
    livekit: {
      url: config.livekitUrl,
      ...(config.livekitApiUrl ? { apiUrl: config.livekitApiUrl } : {}),
      apiKey: config.apiKey,
      apiSecret: config.apiSecret,
    },
    federation: federationMembers(federation),
    discovery: {
      tls: {
        verify: config.verifyTls,
        ...(config.extraCaFile ? { ca: [readFileSync(config.extraCaFile, "utf8")] } : {}),
      },
      ...(config.hostsFile
        ? { hosts: parseHostsFile(readFileSync(config.hostsFile, "utf8")) }
        : {}),
    },
    log,
  });
  const shutdown = () => void service.stop().then(() => process.exit(0));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
} catch (e) {
  if (e instanceof EnvConfigError || e instanceof FederationConfigError) {
    console.error(`[rtc-auth] cannot start: ${e.message}`);
  } else {
    console.error(`[rtc-auth] cannot start: ${e instanceof Error ? e.message : String(e)}`);
  }
  process.exit(1);
}
