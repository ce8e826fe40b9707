import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type {
  LocalHomeserverLayout,
  LocalInstance,
} from "../../homeserver-config/src/local/instance.ts";
import { FEDERATION_PORT } from "../../homeserver-config/src/local/instance.ts";
import { POLICY_MODULE_DIR } from "../../homeserver-config/src/render/policy-module.ts";
import type { StackDescription } from "../../homeserver-config/src/stack/stack-description.ts";
import { renderLocalHomeserver } from "../../homeserver-config/src/stack/start-stack.ts";
import { defaultLauncher } from "../../homeserver-config/src/synapse/launcher.ts";
import { SynapseProcess } from "../../homeserver-config/src/synapse/process.ts";

export interface Outsider {
  serverName: string;
  clientUrl: string;
  sharedSecret: string;
  stop(): Promise<void>;
}

/**
 * A real Synapse that is not part of the federation: it knows the agencies' addresses and
 * would federate with them, but no agency lists it in its federation whitelist.
 */
export async function startOutsiderHomeserver(
  instance: LocalInstance,
  stack: StackDescription,
): Promise<Outsider> {
  const serverName = "intrus.localhost";
  const dir = path.join(instance.dataDir, "outsider");
  const layout: LocalHomeserverLayout = {
    homeserver: {
      id: "intrus",
      displayName: "Intrus",
      serverName,
      external: false,
      agencies: [],
    },
    serverName,
    federationAddress: `${instance.loopbackPrefix}.20`,
    federationPort: FEDERATION_PORT,
    clientPort: instance.portBase + 20,
    clientUrl: `http://127.0.0.1:${instance.portBase + 20}`,
    dir,
  };
  await mkdir(dir, { recursive: true });
  const hostsFile = path.join(dir, "hosts");
  await writeFile(
    hostsFile,
    [
      "127.0.0.1 localhost",
      `${layout.federationAddress} ${serverName}`,
      ...stack.homeservers.map((h) => `${h.federationAddress.split(":")[0]} ${h.serverName}`),
    ].join("\n") + "\n",
  );
  const { files, secrets } = await renderLocalHomeserver(
    layout,
    [serverName, ...stack.homeservers.map((h) => h.serverName)],
    "http://127.0.0.1:9",
  );
  const proc = await SynapseProcess.start(await defaultLauncher(), {
    configFiles: [files.config],
    dataDir: instance.dataDir,
    hostsFile,
    // The local profile's modules (SQLite tuning) load from the project's module folder.
    pythonPath: [path.resolve(import.meta.dirname, "../..", POLICY_MODULE_DIR)],
    serverName,
    clientUrl: layout.clientUrl,
    consoleLog: path.join(dir, "console.log"),
    logFile: files.log,
  });
  return {
    serverName,
    clientUrl: layout.clientUrl,
    sharedSecret: secrets.registrationSharedSecret,
    stop: () => proc.stop(),
  };
}
