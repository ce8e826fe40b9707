import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import { ensureSecrets, ensureSigningKey } from "../keys.ts";
import type { Federation } from "../model.ts";
import { provisioningAppservice } from "./appservice.ts";
import { logConfig, secretSettings } from "./synapse-common.ts";
import { productionFiles, renderProductionSynapseConfig } from "./synapse-production.ts";

export interface WrittenProductionHomeserver {
  id: string;
  serverName: string;
  dir: string;
  /** Pass both to Synapse: `-c config -c secrets`. */
  configFiles: [string, string];
}

/**
 * Writes one folder per homeserver: a reviewable `homeserver.yaml`, a `secrets.yaml` (mode
 * 0600), log config, signing key and provisioning appservice. Keys and secrets already in the
 * folder are kept, so re-rendering never rotates them. The database password is not written:
 * Synapse's PostgreSQL driver reads it from PGPASSWORD or ~/.pgpass on the host.
 */
export async function writeProductionConfigs(
  federation: Federation,
  outDir: string,
  options: { listenPort?: number } = {},
): Promise<WrittenProductionHomeserver[]> {
  const written: WrittenProductionHomeserver[] = [];
  for (const homeserver of federation.homeservers) {
    const dir = path.resolve(outDir, homeserver.id);
    const files = productionFiles(dir);
    await mkdir(files.media, { recursive: true });
    await ensureSigningKey(files.signingKey);
    const secrets = await ensureSecrets(path.join(dir, "secrets.json"));
    const config = renderProductionSynapseConfig({
      federation,
      homeserver,
      dataDir: dir,
      ...(options.listenPort ? { listenPort: options.listenPort } : {}),
    });
    await writeFile(files.config, stringify(config));
    await writeFile(files.secrets, stringify(secretSettings(secrets)), { mode: 0o600 });
    await writeFile(files.logConfig, stringify(logConfig(files.log, "INFO")));
    await writeFile(
      files.appservice,
      stringify(provisioningAppservice(homeserver.serverName, secrets.appservice)),
      { mode: 0o600 },
    );
    written.push({
      id: homeserver.id,
      serverName: homeserver.serverName,
      dir,
      configFiles: [files.config, files.secrets],
    });
  }
  return written;
}
